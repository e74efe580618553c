import fc from 'fast-check';
import { AccountHandler } from '@tally/api';
import type { AccountCommand } from '@tally/domain';
import { deserialize, withDefaultTerms, type AccountEvent } from '@tally/events';
import { EventRejectedError, SqlEventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

interface Request {
  account: number;
  /** Which of two deciding processes (each its own cache and group commit) gets the request. */
  writer: number;
  /** Small ids repeat: a repeated id is a retry, decided once. */
  id: number;
  quantity: number;
  /** Data the store refuses (a NUL in the id): it must fail alone. */
  bad: boolean;
  /** Event-loop turns to wait before sending, so requests interleave differently every run. */
  delay: number;
}

const scenarioArb = fc.record({
  accounts: fc.array(fc.record({ limit: fc.integer({ min: 1, max: 12 }), creditsPerUnit: fc.constantFrom(null, 1, 2) }), {
    minLength: 1,
    maxLength: 6,
  }),
  defaultCredits: fc.integer({ min: 0, max: 20 }),
  maxStreams: fc.integer({ min: 1, max: 6 }),
  requests: fc.array(
    fc.record({
      account: fc.nat(5),
      writer: fc.nat(1),
      id: fc.nat(9),
      quantity: fc.integer({ min: 1, max: 4 }),
      bad: fc.nat(6).map((n) => n === 0),
      delay: fc.nat(3),
    }),
    { minLength: 1, maxLength: 40 },
  ),
});

const turn = () => new Promise((resolve) => setImmediate(resolve));

// Random interleavings of many accounts through the group commit, with two processes competing
// for some accounts (conflicts re-decide on fresh state) and payloads the store refuses.
describe.each(sqlBackends())('group commit under random interleavings (%s)', (name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: SqlEventStore;
  beforeAll(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterAll(() => close());

  it('exceeds no hard limit nor credit balance, counts nothing twice, answers every request, fails only bad payloads', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ accounts, defaultCredits, maxStreams, requests }) => {
        const prefix = `run${run++}-`;
        const writers = [0, 1].map(
          () =>
            new AccountHandler(store, {
              groupCommit: { maxStreams, maxInFlight: 2 },
              defaultCredits,
              maxBatch: 5,
              retry: { attempts: 100, baseDelayMs: 1 },
            }),
        );
        const now = new Date().toISOString();
        const command = (r: Request, i: number): AccountCommand => {
          const account = `${prefix}${r.account % accounts.length}`;
          const { limit, creditsPerUnit } = accounts[r.account % accounts.length];
          return {
            type: 'DecideUsage',
            account,
            usage: {
              source: 'p',
              id: r.bad ? `bad\u0000${i}` : `id-${r.id}`,
              subject: account,
              meter: 'm',
              quantity: r.quantity,
              time: null,
            },
            meter: { meter: 'm', description: null, creditsPerUnit, defaultQuota: withDefaultTerms({ limit }) },
            reportedBy: 'http',
            now,
          };
        };
        const settled = await Promise.allSettled(
          requests.map(async (r, i) => {
            for (let t = 0; t < r.delay; t++) await turn();
            return writers[r.writer].execute(command(r, i));
          }),
        );

        // Every request answered; exactly the bad ones failed, as refused by the store.
        settled.forEach((s, i) => {
          if (requests[i].bad) expect(s.status === 'rejected' && s.reason).toBeInstanceOf(EventRejectedError);
          else expect(s.status).toBe('fulfilled');
        });

        const { rows } = await db.query<{ stream_id: string; event_type: string; data: Record<string, unknown> }>(
          `select stream_id, event_type, data from tally_events where stream_id like $1 order by global_position`,
          [`account-${prefix}%`],
        );
        const decided = rows
          .map((row) => deserialize({ type: row.event_type, data: row.data }) as AccountEvent)
          .filter((e) => e.type === 'UsageAccepted' || e.type === 'UsageRejected');
        accounts.forEach((terms, a) => {
          const mine = decided.filter((e) => e.data.account === `${prefix}${a}`);
          // Nothing counted twice: one decision per id of the account, none for a refused payload.
          const ids = mine.map((e) => e.data.id);
          expect(new Set(ids).size).toBe(ids.length);
          const asked = new Set(requests.filter((r) => !r.bad && r.account % accounts.length === a).map((r) => `id-${r.id}`));
          expect(new Set(ids)).toEqual(asked);
          // No hard limit nor credit balance exceeded.
          const accepted = mine.filter((e) => e.type === 'UsageAccepted');
          const units = accepted.reduce((sum, e) => sum + e.data.quantity, 0);
          expect(units).toBeLessThanOrEqual(terms.limit);
          if (terms.creditsPerUnit !== null) expect(units * terms.creditsPerUnit).toBeLessThanOrEqual(defaultCredits);
        });
        // Each decision was answered once with its events; every retry of an id with none.
        const answeredWithEvents = settled.flatMap((s) => (s.status === 'fulfilled' && s.value.ok ? s.value.events : []));
        expect(answeredWithEvents.filter((e) => e.type === 'UsageAccepted' || e.type === 'UsageRejected')).toHaveLength(
          decided.length,
        );
      }),
      { numRuns: name === 'pglite' ? 40 : 25 },
    );
  }, 240_000);
});
