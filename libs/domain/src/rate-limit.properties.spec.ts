import fc from 'fast-check';
import { withDefaultTerms, type AccountEvent, type RateLimit } from '@tally/events';
import { decide } from './account-decider';
import { evolve, fold, type Account } from './account-state';
import type { DecideUsage } from './commands';
import { ACCOUNT, NOW, opened } from './testing/fixtures';

const PER_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;

const rateArb: fc.Arbitrary<RateLimit> = fc
  .record({ units: fc.integer({ min: 1, max: 12 }), per: fc.constantFrom('second', 'minute', 'hour'), extra: fc.nat(8) })
  .map(({ units, per, extra }) => ({ units, per, burst: Math.max(1, units + extra - 4) }));

/**
 * Requests at random decision times: mostly forward by up to a period (often not at all), now and
 * then back a little (an instance whose clock is behind), some reported over Kafka.
 */
const stepsArb = (rate: RateLimit) =>
  fc.array(
    fc.record({
      step: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: PER_MS[rate.per] }), fc.integer({ min: -2000, max: -1 })),
      quantity: fc.integer({ min: 1, max: rate.burst + 2 }),
      kafka: fc.boolean(),
      hold: fc.boolean(),
    }),
    { minLength: 1, maxLength: 60 },
  );

const quotaSet = (rateLimit: RateLimit): AccountEvent => ({
  type: 'QuotaSet',
  data: { account: ACCOUNT, meter: 'geo', quota: withDefaultTerms({ limit: null, rateLimit }), at: NOW },
});

const usage = (i: number, quantity: number, now: string, afterTheFact = false): DecideUsage => ({
  type: 'DecideUsage',
  account: ACCOUNT,
  usage: { source: 'svc', id: `u-${i}`, subject: 'alice', meter: 'geo', quantity, time: null },
  meter: null,
  reportedBy: afterTheFact ? 'kafka' : 'key-1',
  ...(afterTheFact ? { afterTheFact } : {}),
  now,
});

const rateAndSteps = rateArb.chain((rate) => fc.tuple(fc.constant(rate), stepsArb(rate)));
const limitedAccount = (rate: RateLimit): Account => fold([...opened(), quotaSet(rate)]);

describe('a rate limit never admits more than burst + units × elapsed / per', () => {
  it('over any window of requests, at random decision times, with usage reported over Kafka among them', () => {
    fc.assert(
      fc.property(rateAndSteps, ([rate, steps]) => {
        let state = limitedAccount(rate);
        let clock = Date.parse(NOW);
        // Per request: the bucket's time after it, and what it admitted of usage asked before the work.
        const seen: Array<{ at: number; admitted: number }> = [];
        let latest = -Infinity;
        steps.forEach(({ step, quantity, kafka, hold }, i) => {
          clock += step;
          const now = new Date(clock).toISOString();
          const command =
            hold && !kafka
              ? { ...usage(i, quantity, now), type: 'HoldUsage' as const, ttlSeconds: 60 }
              : usage(i, quantity, now, kafka);
          const events = decide(command, state);
          state = events.reduce(evolve, state);
          const decision = events[0];
          if (kafka) expect(decision.type).toBe('UsageAccepted');
          const took = decision.type !== 'UsageRejected';
          // The bucket's clock: the latest decision time of those that took tokens (a behind clock moves it not).
          if (took) latest = Math.max(latest, clock);
          seen.push({ at: latest, admitted: took && !kafka ? quantity : 0 });
        });
        // Exact: admitted × per ≤ burst × per + units × elapsed, in integer milliseconds.
        for (let i = 0; i < seen.length; i++) {
          // Before the first take the bucket is full: the window from that take on admits as much.
          if (seen[i].at === -Infinity) continue;
          let admitted = 0;
          for (let j = i; j < seen.length; j++) {
            admitted += seen[j].admitted;
            const elapsed = seen[j].at - seen[i].at;
            expect(admitted * PER_MS[rate.per]).toBeLessThanOrEqual(rate.burst * PER_MS[rate.per] + rate.units * elapsed);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('and admits the refused quantity exactly when its retryAfterMs has passed, not a millisecond before', () => {
    fc.assert(
      fc.property(rateAndSteps, ([rate, steps]) => {
        let state = limitedAccount(rate);
        let clock = Date.parse(NOW);
        steps.forEach(({ step, quantity, kafka }, i) => {
          clock += Math.max(0, step);
          const now = new Date(clock).toISOString();
          const events = decide(usage(i, quantity, now, kafka), state);
          const decision = events[0];
          if (decision.type === 'UsageRejected' && decision.data.reason === 'RATE_LIMITED') {
            const wait = decision.data.retryAfterMs;
            if (wait === undefined) {
              expect(quantity).toBeGreaterThan(rate.burst);
            } else {
              const at = (ms: number) => decide(usage(i, quantity, new Date(clock + ms).toISOString()), state)[0].type;
              expect(at(wait)).toBe('UsageAccepted');
              expect(at(wait - 1)).toBe('UsageRejected');
            }
          }
          state = events.reduce(evolve, state);
        });
      }),
      { numRuns: 200 },
    );
  });
});
