import { AccountHandler } from '@tally/api';
import type { AccountCommand } from '@tally/domain';
import { EventRejectedError, SqlEventStore, type EventStore, type SqlClient } from '@tally/eventstore';
import { sqlBackends } from '../support/databases';

// Requests for one account are decided and appended as one batch. A request whose data the
// store refuses must fail alone: the batch is appended again without it.
describe.each(sqlBackends())('one bad request among a batch (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;
  let store: EventStore;
  beforeEach(async () => {
    ({ db, close } = await open());
    store = await SqlEventStore.create(db);
  });
  afterEach(() => close());

  const usage = (id: string): AccountCommand => ({
    type: 'DecideUsage',
    account: 'acme',
    // Built past validation on purpose: this is what the store itself refuses.
    usage: { source: 'svc', id, subject: 'acme', meter: 'geo', quantity: 1, time: null },
    meter: { meter: 'geo', description: null, creditsPerUnit: 1, defaultQuota: null },
    reportedBy: 'kafka',
    now: new Date().toISOString(),
  });

  it('decides the 29 good requests and fails only the one the store refuses', async () => {
    const decisions = new AccountHandler(store, {
      defaultCredits: 1000,
      maxBatch: 500,
      retry: { attempts: 10, baseDelayMs: 2 },
    });
    const ids = Array.from({ length: 30 }, (_, i) => (i === 13 ? 'bad\u0000id' : `good-${i}`));
    const settled = await Promise.allSettled(ids.map((id) => decisions.execute(usage(id))));

    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [[ids[i], s.reason]] : []));
    expect(failed).toEqual([['bad\u0000id', expect.any(EventRejectedError)]]);
    const accepted = settled.filter((s) => s.status === 'fulfilled' && s.value.ok && s.value.events[0].type === 'UsageAccepted');
    expect(accepted).toHaveLength(29);
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from tally_events where event_type like 'UsageAccepted.%'",
    );
    expect(rows[0].n).toBe(29);
    // The account's state stays usable: the next request is decided on top of the 29.
    const next = await decisions.execute(usage('after'));
    expect(next.ok && next.state.credits.balance).toBe(1000 - 30);
  });
});
