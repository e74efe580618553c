import fc from 'fast-check';
import { withDefaultTerms, type AccountEvent } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, type Account } from './account-state';
import type { AccountCommand } from './commands';
import { ACCOUNT, NOW, opened } from './testing/fixtures';
import { isWithin } from './tree';

fc.configureGlobal({ numRuns: 300 });

// acme ← a ← (a1, a2); acme ← b ← b1: three levels under the root.
const PARENTS: Record<string, string> = { a: ACCOUNT, b: ACCOUNT, a1: 'a', a2: 'a', b1: 'b' };
const ACCOUNTS = [ACCOUNT, ...Object.keys(PARENTS)];
const limitArb = fc.option(fc.integer({ min: 0, max: 25 }), { nil: null });

const treeOf = (limits: Record<string, number | null>): AccountEvent[] => [
  ...opened(),
  ...Object.entries(PARENTS).map(([member, parent]): AccountEvent => ({
    type: 'MemberAttached',
    data: { account: ACCOUNT, member, parent, quotas: {}, usage: {}, at: NOW },
  })),
  ...ACCOUNTS.filter((account) => limits[account] !== null).map((account): AccountEvent => ({
    type: 'QuotaSet',
    data: { account, meter: 'geo', quota: withDefaultTerms({ limit: limits[account] }), at: NOW },
  })),
];

type Request = { kind: 'usage'; account: string; quantity: number } | { kind: 'reverse'; pick: number };
const requestArb: fc.Arbitrary<Request> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('usage' as const),
      account: fc.constantFrom(...ACCOUNTS),
      quantity: fc.integer({ min: 1, max: 6 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }) },
);

/** Units accepted (net of reversals) for the accounts at or under `level`, counted from the events alone. */
function countedUnder(events: AccountEvent[], tree: Account, level: string): number {
  let units = 0;
  for (const e of events) {
    if (e.type === 'UsageAccepted' && isWithin(tree, e.data.account, level)) units += e.data.quantity;
    if (e.type === 'UsageReversed' && isWithin(tree, e.data.account, level)) units -= e.data.quantity;
  }
  return units;
}

describe('account trees (property)', () => {
  it('no interleaving of the members’ requests takes any level past its hard limit, and every level counts its subtree', () => {
    fc.assert(
      fc.property(
        fc.record(Object.fromEntries(ACCOUNTS.map((a) => [a, limitArb])) as Record<string, fc.Arbitrary<number | null>>),
        fc.array(requestArb, { maxLength: 60 }),
        (limits, requests) => {
          const history = treeOf(limits);
          let state = fold(history);
          const decided: AccountEvent[] = [];
          requests.forEach((request, i) => {
            let command: AccountCommand;
            if (request.kind === 'usage') {
              command = {
                type: 'DecideUsage',
                account: request.account,
                usage: {
                  source: 'svc',
                  id: `u-${i}`,
                  subject: request.account,
                  meter: 'geo',
                  quantity: request.quantity,
                  time: null,
                },
                meter: { meter: 'geo', description: null, creditsPerUnit: null, defaultQuota: null },
                reportedBy: 'k',
                now: NOW,
              };
            } else {
              const accepted = decided.filter((e) => e.type === 'UsageAccepted');
              if (accepted.length === 0) return;
              const target = accepted[request.pick % accepted.length] as Extract<AccountEvent, { type: 'UsageAccepted' }>;
              command = {
                type: 'ReverseUsage',
                account: target.data.account,
                source: 'svc',
                id: target.data.id,
                reason: null,
                now: NOW,
              };
            }
            const events = decide(command, state);
            decided.push(...events);
            state = events.reduce(evolve, state);
            for (const level of ACCOUNTS) {
              const units = countedUnder(decided, state, level);
              const limit = limits[level];
              if (limit !== null) expect(units).toBeLessThanOrEqual(limit);
              const view = level === ACCOUNT ? state.usage : state.members.get(level)?.usage;
              expect(view?.get('geo')?.get('2026-11') ?? 0).toBe(units);
            }
          });
        },
      ),
    );
  });
});
