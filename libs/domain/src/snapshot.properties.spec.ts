import fc from 'fast-check';
import { withDefaultTerms, type AccountEvent, type MeterDefinition } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, type Account } from './account-state';
import type { AccountCommand } from './commands';
import { DomainError } from './errors';
import { SNAPSHOT_VERSION, fromSnapshot, snapshotOf } from './snapshot';
import { ACCOUNT, NOW, opened } from './testing/fixtures';

const meters: Record<string, MeterDefinition> = {
  geo: { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: null },
  // A meter named like a member of Object.prototype must survive the round trip.
  __proto__: { meter: '__proto__', description: null, creditsPerUnit: 2, defaultQuota: null },
};
const meterNames = fc.constantFrom('geo', '__proto__');
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const at = (seconds: number) => new Date(Date.parse(NOW) + seconds * 1000).toISOString();

const usage = (id: string, meter: string, quantity: number) => ({
  source: 'svc',
  id,
  subject: 'alice',
  meter,
  quantity,
  time: null,
});
const commandArb = (now: string): fc.Arbitrary<AccountCommand> =>
  fc.oneof(
    fc
      .record({ meter: meterNames, id: ids, quantity: fc.integer({ min: 1, max: 6 }) })
      .map(({ meter, id, quantity }): AccountCommand => ({
        type: 'DecideUsage',
        account: ACCOUNT,
        usage: usage(id, meter, quantity),
        meter: meters[meter],
        reportedBy: 'k',
        now,
      })),
    fc
      .record({ meter: meterNames, id: ids, quantity: fc.integer({ min: 1, max: 6 }), ttl: fc.integer({ min: 1, max: 600 }) })
      .map(({ meter, id, quantity, ttl }): AccountCommand => ({
        type: 'HoldUsage',
        account: ACCOUNT,
        usage: usage(`h${id}`, meter, quantity),
        meter: meters[meter],
        reportedBy: 'k',
        now,
        ttlSeconds: ttl,
      })),
    // A multi-item hold: its lines must survive the round trip, and count on each meter after it.
    fc
      .record({ id: ids, geo: fc.integer({ min: 1, max: 6 }), proto: fc.integer({ min: 1, max: 6 }) })
      .map(({ id, geo, proto }): AccountCommand => {
        const items = [
          { meter: 'geo', quantity: geo },
          { meter: '__proto__', quantity: proto },
        ];
        return {
          type: 'HoldUsage',
          account: ACCOUNT,
          usage: { ...usage(`h${id}`, 'geo', geo), items },
          meter: meters.geo,
          meters: new Map(items.map((item) => [item.meter, meters[item.meter]])),
          reportedBy: 'k',
          now,
          ttlSeconds: 300,
        };
      }),
    fc
      .record({ id: ids, quantity: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }) })
      .map(({ id, quantity }): AccountCommand => ({
        type: 'CommitHold',
        account: ACCOUNT,
        source: 'svc',
        id: `h${id}`,
        quantity,
        meter: null,
        reportedBy: 'k',
        now,
      })),
    ids.map((id): AccountCommand => ({ type: 'ReleaseHold', account: ACCOUNT, source: 'svc', id: `h${id}`, now })),
    ids.map((id): AccountCommand => ({ type: 'ReverseUsage', account: ACCOUNT, source: 'svc', id, reason: null, now })),
    fc
      .record({
        amount: fc.integer({ min: 1, max: 20 }),
        grantId: fc.option(ids, { nil: null }),
        priority: fc.integer({ min: 1, max: 3 }),
        lasts: fc.option(fc.integer({ min: 1, max: 90 }), { nil: null }),
      })
      .map(({ amount, grantId, priority, lasts }): AccountCommand => ({
        type: 'GrantCredits',
        account: ACCOUNT,
        amount,
        reason: null,
        grantId,
        priority,
        expiresAt: lasts === null ? null : new Date(Date.parse(now) + lasts * 1000).toISOString(),
        now,
      })),
    // Grants, voids and allowances are part of the state a snapshot must keep.
    ids.map((grantId): AccountCommand => ({ type: 'VoidGrant', account: ACCOUNT, grantId, reason: null, now })),
    fc
      .record({ amount: fc.integer({ min: 1, max: 9 }), per: fc.constantFrom('month' as const, 'day' as const) })
      .map(({ amount, per }): AccountCommand => ({ type: 'SetAllowance', account: ACCOUNT, amount, per, priority: 2, now })),
    fc
      .option(fc.integer({ min: 0, max: 30 }), { nil: null })
      .map((creditsBelow): AccountCommand => ({ type: 'SetCreditAlert', account: ACCOUNT, creditsBelow, now })),
  );

/** A random history: quotas with alert thresholds, then commands decided in order (a few seconds apart). */
const historyArb = fc
  .record({
    limit: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    enforcement: fc.constantFrom('hard' as const, 'soft' as const),
    // One period per level (root, team, constructor): a tree's levels count in their own periods.
    periods: fc.array(fc.constantFrom('month' as const, 'none' as const, 'day' as const), { minLength: 3, maxLength: 3 }),
    rateLimit: fc.option(fc.constant({ units: 3, per: 'second' as const, burst: 5 }), { nil: null }),
    steps: fc.array(
      fc
        // Seconds apart, on the day the history starts or the next one (a daily quota's new period).
        .tuple(fc.integer({ min: 0, max: 120 }), fc.constantFrom(0, 14 * 60 * 60))
        .chain(([s, day]) => commandArb(at(day + s)))
        // Decided for the root or for a member of its tree (a name like a member of Object.prototype too).
        .chain((command) => fc.constantFrom(ACCOUNT, 'team', 'constructor').map((account) => ({ ...command, account }))),
      { maxLength: 50 },
    ),
  })
  .map(({ limit, enforcement, periods, rateLimit, steps }) => {
    const history: AccountEvent[] = [...opened(10)];
    history.push(
      { type: 'MemberAttached', data: { account: ACCOUNT, member: 'team', parent: ACCOUNT, quotas: {}, usage: {}, at: NOW } },
      {
        type: 'MemberAttached',
        data: { account: ACCOUNT, member: 'constructor', parent: 'team', quotas: {}, usage: {}, at: NOW },
      },
    );
    for (const [level, account] of [ACCOUNT, 'team', 'constructor'].entries()) {
      const period = periods[level];
      for (const meter of ['geo', '__proto__']) {
        const quota = withDefaultTerms({ limit, enforcement, period, alertAt: [50, 100], rateLimit });
        history.push({ type: 'QuotaSet', data: { account, meter, quota, at: NOW } });
      }
    }
    let state = fold(history);
    for (const command of steps.sort((a, b) => (a.now < b.now ? -1 : a.now > b.now ? 1 : 0))) {
      try {
        const events = decide(command, state);
        history.push(...events);
        state = events.reduce(evolve, state);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return history;
  });

/** Loaded as the repository loads: a snapshot (through JSON, as the store keeps it) of the first `k` events, then the rest. */
function loadedFromSnapshot(history: AccountEvent[], k: number): Account {
  const stored: unknown = JSON.parse(JSON.stringify(snapshotOf(fold(history.slice(0, k)))));
  const state = fromSnapshot(stored);
  if (!state) throw new Error('the snapshot was not read');
  return fold(history.slice(k), state);
}

describe('snapshots are an optimisation only', () => {
  it('loading from a snapshot at any point plus the events after it gives the state of the whole history', () => {
    fc.assert(
      fc.property(
        historyArb.chain((history) => fc.tuple(fc.constant(history), fc.integer({ min: 1, max: history.length }))),
        ([history, k]) => {
          const full = fold(history);
          const snapshotted = loadedFromSnapshot(history, k);
          // Everything deciding counts with is the same…
          expect(snapshotOf(snapshotted)).toEqual(snapshotOf(full));
          // …and whatever the snapshotted state remembers of recent ids, the full one remembers alike.
          for (const [key, record] of snapshotted.decisions) expect(full.decisions.get(key)).toEqual(record);
          for (const [key, record] of snapshotted.holds) expect(full.holds.get(key)).toEqual(record);
          // So a new request is decided alike.
          const next: AccountCommand = {
            type: 'DecideUsage',
            account: ACCOUNT,
            usage: usage('new', '__proto__', 3),
            meter: meters.__proto__,
            reportedBy: 'k',
            now: at(121),
          };
          expect(decide(next, snapshotted)).toEqual(decide(next, full));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ignores a snapshot of another version, or anything that is not one', () => {
    const state = fold([...opened(10)]);
    expect(fromSnapshot({ ...snapshotOf(state), version: SNAPSHOT_VERSION + 1 })).toBeNull();
    expect(fromSnapshot({ ...snapshotOf(state), version: 0 })).toBeNull();
    // Version 2 had no earmarks: its open holds would set no credit aside.
    expect(fromSnapshot({ ...snapshotOf(state), version: 2 })).toBeNull();
    expect(fromSnapshot(null)).toBeNull();
    expect(fromSnapshot('{}')).toBeNull();
    expect(fromSnapshot(JSON.parse(JSON.stringify(snapshotOf(state))))).toMatchObject({
      account: ACCOUNT,
      credits: { balance: 10 },
    });
  });
});
