import type { AccountCommand } from '@tally/domain';
import { withDefaultTerms } from '@tally/events';

/** A meter `geo` whose default quota is 1000 a month: every account may use it. */
export const GEO = { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: withDefaultTerms({ limit: 1000 }) };

let ids = 0;

/** A usage of `quantity` units of `geo` by `account` at `now`, under a new id each time. */
export const geoUsage = (account: string, quantity: number, now: string): AccountCommand => ({
  type: 'DecideUsage',
  account,
  usage: { source: 'svc', id: `u${++ids}`, subject: account, meter: 'geo', quantity, time: null },
  meter: GEO,
  reportedBy: 'test',
  now,
});

/**
 * One unit of `geo` by `account` under the given id, at `now` (this moment unless given), the meter
 * costing a credit per unit and setting no quota: what the owned-account and cold-load specs decide.
 */
export const creditedUsage = (account: string, id: string, now = new Date().toISOString()): AccountCommand => ({
  type: 'DecideUsage',
  account,
  usage: { source: 'svc', id, subject: account, meter: 'geo', quantity: 1, time: null },
  meter: { meter: 'geo', description: null, creditsPerUnit: 1, defaultQuota: null },
  reportedBy: 'http',
  now,
});
