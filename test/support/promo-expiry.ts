import type { AccountEvent } from '@tally/events';
import { PROJECTED_STREAM_PREFIXES } from '@tally/read-models';
import type { RecordedEvent, SqlEventStore } from '@tally/eventstore';

/**
 * Events of an account whose promotional grant has expired (the ledger's due-expiry cases): its
 * November period opened, a promo of 10 credits expiring on the 3rd, and the expiry its next
 * decision records first.
 */
export const opened = (account = 'acme'): AccountEvent => ({
  type: 'PeriodOpened',
  data: {
    account,
    period: '2026-11',
    previous: null,
    openedAt: '2026-11-01T00:00:00.000Z',
    carried: {
      credits: { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0 },
      quotas: {},
      usage: {},
      grants: [],
      allowance: null,
    },
  },
});

export const promo = (account = 'acme'): AccountEvent => ({
  type: 'CreditsGranted',
  data: {
    ...{ account, grantId: 'promo', amount: 10, priority: 50, reason: null, balance: 10 },
    ...{ effectiveAt: '2026-11-01T00:00:00.000Z', expiresAt: '2026-11-03T00:00:00.000Z', at: '2026-11-01T00:00:00.000Z' },
  },
});

export const expired = (account = 'acme'): AccountEvent => ({
  type: 'CreditsExpired',
  data: { account, grantId: 'promo', amount: 10, at: '2026-11-03T00:00:00.000Z' },
});

/**
 * The store's first `n` projected events, once all are readable: the store hands out only events
 * below the oldest running transaction (of any database on a shared server).
 */
export async function readProjected(store: SqlEventStore, n: number): Promise<RecordedEvent[]> {
  for (;;) {
    const events = await store.readAllAfter(null, PROJECTED_STREAM_PREFIXES, 100);
    if (events.length >= n) return events;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
