import {
  ALERT_STORED_TYPES,
  alertRecord,
  createLogger,
  OutboxRelay,
  RELAY_CHECKPOINTS_TABLE,
  type OutboxRecord,
} from '@tally/runtime';
import { eventually } from '../infra/infra';
import { startTally, usageEvent, type RunningTally } from '../support/tally';

/** The relay on its own (embedded PGlite Tally, no Kafka), publishing to a stand-in broker. */
describe('the decision relay', () => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally('pglite');
    await tally.admin.put('/v1/accounts/relay-acct/quotas/relay', { limit: 4 });
  });
  afterAll(() => tally.destroy());

  const checkpoint = async (name: string) =>
    (
      await tally.runtime.db.query<{ position: string | null }>(
        `select position from ${RELAY_CHECKPOINTS_TABLE} where name = $1`,
        [name],
      )
    ).rows[0]?.position ?? null;

  it('publishes every decision in store order, and commits its checkpoint only after the ack', async () => {
    for (let i = 0; i < 6; i++) {
      await tally.admin.post('/v1/usage', usageEvent({ id: `rel-${i}`, subject: 'relay-acct', meter: 'relay', quantity: 1 }));
    }
    const published: OutboxRecord[] = [];
    let attempts = 0;
    let ack: () => void = () => undefined;
    const relay = new OutboxRelay(tally.runtime.db, tally.runtime.store, createLogger('silent', 'test'), {
      name: 'test-relay',
      batchSize: 4,
      publish: async (records) => {
        // The broker is down at first, then slow to acknowledge.
        if (++attempts <= 2) throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
        if (attempts === 3) await new Promise<void>((resolve) => (ack = resolve));
        published.push(...records);
      },
    });
    await relay.init();
    relay.start();
    try {
      await eventually(() => expect(attempts).toBe(3), 5000);
      expect(await checkpoint('test-relay')).toBeNull();
      ack();
      await eventually(() => expect(published.filter((r) => r.value.includes('"relay-acct"'))).toHaveLength(6), 5000);
      const bodies = published.map((r) => JSON.parse(r.value)).filter((d) => d.account === 'relay-acct');
      expect(bodies.map((d) => d.id)).toEqual(['rel-0', 'rel-1', 'rel-2', 'rel-3', 'rel-4', 'rel-5']);
      expect(bodies.map((d) => d.decision)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'rejected', 'rejected']);
      expect(published[0]).toMatchObject({ key: 'relay-acct', headers: { ce_type: 'metering.decision.v1', ce_id: 'rel-0' } });
      await eventually(async () =>
        expect(await checkpoint('test-relay')).toBe(await tally.runtime.store.headPosition(['account-'])),
      );
    } finally {
      await relay.stop();
    }
  });

  it('resumes after its checkpoint: a restart publishes only what is new', async () => {
    const published: OutboxRecord[] = [];
    const relay = new OutboxRelay(tally.runtime.db, tally.runtime.store, createLogger('silent', 'test'), {
      name: 'test-relay',
      publish: async (records) => void published.push(...records),
    });
    await relay.init();
    relay.start();
    try {
      await tally.admin.post('/v1/usage', usageEvent({ id: 'rel-new', subject: 'relay-acct', meter: 'relay', quantity: 1 }));
      await eventually(() => expect(published.map((r) => JSON.parse(r.value).id)).toEqual(['rel-new']), 5000);
    } finally {
      await relay.stop();
    }
  });

  it('moves the checkpoint of a relay of a few types past the events it does not read, and reports no lag', async () => {
    // The store holds decisions and no alert: an alert relay reads none of them, yet catches up.
    await tally.admin.post('/v1/usage', usageEvent({ id: 'rel-typed', subject: 'relay-acct', meter: 'relay', quantity: 1 }));
    const published: OutboxRecord[] = [];
    const lags: number[] = [];
    const relay = new OutboxRelay(tally.runtime.db, tally.runtime.store, createLogger('silent', 'test'), {
      name: 'test-alert-relay',
      lockKey: 7_342_099,
      select: alertRecord,
      types: ALERT_STORED_TYPES,
      lagPollMs: 50,
      publish: async (records) => void published.push(...records),
      hooks: { onLag: ({ events }) => void lags.push(events) },
    });
    await relay.init();
    relay.start();
    try {
      const head = await tally.runtime.store.headPosition(['account-']);
      await eventually(async () => {
        const at = await checkpoint('test-alert-relay');
        expect(at).not.toBeNull();
        expect(tally.runtime.store.compare(at!, head!)).toBeGreaterThanOrEqual(0);
      }, 5000);
      await eventually(() => expect(lags.at(-1)).toBe(0), 5000);
      expect(published).toEqual([]);
    } finally {
      await relay.stop();
    }
  });
});
