import fc from 'fast-check';
import { withDefaultTerms, type AccountEvent, type QuotaTerms } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, usageKey, usageOf, type Account } from './account-state';
import type { AccountCommand } from './commands';
import { DomainError } from './errors';
import { ACCOUNT, NOW, closedAt, opened } from './testing/fixtures';
import { TOTAL } from './periods';

// docs/contract.md §2.5: a name that is a member of a JavaScript object is an ordinary name. The rules are
// run against a model kept in Maps, over names that collide with Object.prototype and any string.
const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  'total',
];
const name = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 6 }));

type Step =
  | { kind: 'use'; meter: string; source: string; id: string; quantity: number }
  | { kind: 'change'; meter: string; limit: number | null }
  | { kind: 'reverse'; source: string; id: string }
  | { kind: 'grant'; grantId: string };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('use' as const), meter: name, source: name, id: name, quantity: fc.integer({ min: 1, max: 6 }) }),
  fc.record({
    kind: fc.constant('change' as const),
    meter: name,
    limit: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('reverse' as const), source: name, id: name }),
  fc.record({ kind: fc.constant('grant' as const), grantId: name.filter((n) => n.length > 0) }), // ids are 1+ characters
);

const command = (step: Step): AccountCommand => {
  switch (step.kind) {
    case 'use': {
      const { meter, source, id, quantity } = step;
      const usage = { source, id, subject: 'alice', meter, quantity, time: null };
      return { type: 'DecideUsage', account: ACCOUNT, usage, meter: null, reportedBy: 'key-1', now: NOW };
    }
    case 'change':
      return { type: 'ChangeQuota', account: ACCOUNT, meter: step.meter, patch: { limit: step.limit }, now: NOW };
    case 'reverse':
      return { type: 'ReverseUsage', account: ACCOUNT, source: step.source, id: step.id, reason: null, now: NOW };
    case 'grant':
      return { type: 'GrantCredits', account: ACCOUNT, amount: 1, reason: null, grantId: step.grantId, now: NOW };
  }
};

/** What the rules should answer, from a model that knows nothing of objects. */
class Model {
  readonly used = new Map<string, number>();
  readonly decided = new Map<string, { meter: string; quantity: number; accepted: boolean; reversed: boolean }>();
  readonly grants = new Set<string>();
  constructor(readonly quotas: Map<string, QuotaTerms>) {}

  expect(step: Step): string {
    if (step.kind === 'grant') {
      if (this.grants.has(step.grantId)) return 'nothing';
      this.grants.add(step.grantId);
      return 'CreditsGranted';
    }
    if (step.kind === 'change') {
      const quota = this.quotas.get(step.meter);
      if (!quota) return 'QUOTA_NOT_FOUND';
      this.quotas.set(step.meter, { ...quota, limit: step.limit });
      return 'QuotaSet';
    }
    const key = usageKey(step.source, step.id);
    const prior = this.decided.get(key);
    if (step.kind === 'reverse') {
      if (!prior) return 'USAGE_NOT_FOUND';
      if (!prior.accepted) return 'USAGE_NOT_ACCEPTED';
      if (prior.reversed) return 'nothing';
      prior.reversed = true;
      this.used.set(prior.meter, (this.used.get(prior.meter) ?? 0) - prior.quantity);
      return 'UsageReversed';
    }
    if (prior) return 'nothing';
    const quota = this.quotas.get(step.meter);
    const used = this.used.get(step.meter) ?? 0;
    const reason = !quota
      ? 'NO_QUOTA'
      : quota.limit === 0
        ? 'METER_DISABLED'
        : quota.limit !== null && used + step.quantity > quota.limit
          ? 'QUOTA_EXCEEDED'
          : null;
    this.decided.set(key, { meter: step.meter, quantity: step.quantity, accepted: reason === null, reversed: false });
    if (reason) return reason;
    this.used.set(step.meter, used + step.quantity);
    return 'UsageAccepted';
  }
}

function outcome(command: AccountCommand, state: Account): { answer: string; events: AccountEvent[] } {
  try {
    const events = decide(command, state);
    const answer = events.length === 0 ? 'nothing' : events[0].type === 'UsageRejected' ? events[0].data.reason : events[0].type;
    return { answer, events };
  } catch (error) {
    if (error instanceof DomainError) return { answer: error.code, events: [] };
    throw error;
  }
}

describe('names that are members of Object.prototype are ordinary names', () => {
  it('decides every rule as a Map-based model does, and carries quotas and usage across the books', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ meter: name, limit: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }) }), {
          selector: (q) => q.meter,
          maxLength: 4,
        }),
        fc.array(stepArb, { maxLength: 40 }),
        (quotas, steps) => {
          const terms = new Map(quotas.map((q) => [q.meter, withDefaultTerms({ limit: q.limit })]));
          const history: AccountEvent[] = [...opened()];
          for (const [meter, quota] of terms)
            history.push({ type: 'QuotaSet', data: { account: ACCOUNT, meter, quota, at: NOW } });
          let state = fold(history);
          const model = new Model(new Map(terms));
          for (const step of steps) {
            const { answer, events } = outcome(command(step), state);
            expect([step, answer]).toEqual([step, model.expect(step)]);
            state = events.reduce(evolve, state);
          }
          for (const [meter, units] of model.used) expect(usageOf(state, meter, '2026-11')).toBe(units);
          expect(new Map(state.quotas)).toEqual(model.quotas);

          // Closing the books writes quotas and usage as JSON objects; every name must survive.
          const { closing, opening } = closedAt(state, '2026-12-01T00:00:00.000Z');
          const reopened = evolve(evolve(state, closing), JSON.parse(JSON.stringify(opening)) as AccountEvent);
          expect(new Map(reopened.quotas)).toEqual(model.quotas);
          for (const [meter, units] of model.used) expect(usageOf(reopened, meter, TOTAL)).toBe(units);
        },
      ),
      { numRuns: 300 },
    );
  });
});
