import type { AlertData } from '@tally/events';
import { PgClient, type SqlClient } from '@tally/eventstore';
import {
  AddressRule,
  createLogger,
  deliveryLeaseMs,
  initWebhookTables,
  WebhookDeliverer,
  WebhookEndpoints,
  WebhookOutbox,
  webhookTransport,
} from '@tally/runtime';
import { createTestDatabase, eventually, infra } from '../infra/infra';
import { unique } from '../support/tally';
import { WebhookReceiver } from '../support/webhook-receiver';
import { openPglite } from '../support/databases';

/** Two processes' view of one database: PGlite serves one process (one client), PostgreSQL two pools. */
type OpenShared = () => Promise<{ dbs: [SqlClient, SqlClient]; close(): Promise<void> }>;

const backends: Array<[string, OpenShared]> = [
  [
    'pglite',
    async () => {
      const db = await openPglite();
      return { dbs: [db, db], close: () => db.close() };
    },
  ],
];
if (infra.postgresUrl) {
  backends.push([
    'postgres',
    async () => {
      const database = await createTestDatabase();
      const dbs: [SqlClient, SqlClient] = [new PgClient(database.url), new PgClient(database.url)];
      return {
        dbs,
        close: async () => {
          await Promise.all(dbs.map((db) => db.close()));
          await database.drop();
        },
      };
    },
  ]);
}

// Long enough that no attempt times out in a test; the lease it makes is only arithmetic on the test's clock.
const TIMEOUT_MS = 30_000;
// Shorter than the lease, so that a retry due before the lease is over shows the outcome moved it.
const RETRY_BASE_MS = 1000;

/** A process that sends and then dies before it records: its outcome never reaches the outbox. */
class DyingOutbox extends WebhookOutbox {
  override record(): Promise<void> {
    return new Promise<void>(() => undefined);
  }
}

/** A process that records late: each outcome waits until the test opens the gate. */
class LateOutbox extends WebhookOutbox {
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  override async record(...args: Parameters<WebhookOutbox['record']>): Promise<void> {
    await this.gate;
    return super.record(...args);
  }

  release(): void {
    this.open();
  }
}

describe.each(backends)('a webhook delivery is taken by one deliverer at a time (%s)', (_backend, open) => {
  let dbs: [SqlClient, SqlClient];
  let close: () => Promise<void>;
  const receiver = new WebhookReceiver();
  // The deliverers' clock: it moves only when a test moves it.
  let now = new Date('2026-12-01T10:00:00.000Z');
  const deliverers: WebhookDeliverer[] = [];
  // Each test's endpoint, removed after it so that the next test's alerts go to its own only.
  const endpoints: string[] = [];

  beforeAll(async () => {
    ({ dbs, close } = await open());
    await initWebhookTables(dbs[0]);
    await receiver.up();
  });
  afterAll(async () => {
    await receiver.down();
    await close?.();
  });
  afterEach(async () => {
    receiver.status = 204;
    receiver.release();
    await Promise.all(deliverers.splice(0).map((d) => d.stop()));
    for (const id of endpoints.splice(0)) await new WebhookEndpoints(dbs[0]).remove(id, now.toISOString());
  });

  const deliverer = (outbox: WebhookOutbox) => {
    const made = new WebhookDeliverer(outbox, createLogger('silent', 'test'), {
      retryBaseMs: RETRY_BASE_MS,
      transport: webhookTransport(new AddressRule({ allowLoopback: true, allowedNetworks: [] }), TIMEOUT_MS),
      now: () => now,
    });
    deliverers.push(made);
    return made;
  };

  /** An endpoint at the receiver, and `count` alerts raised and enqueued now for it. */
  const alertsFor = async (count: number) => {
    now = new Date(now.getTime() + 24 * 60 * 60 * 1000);
    const endpoint = await new WebhookEndpoints(dbs[0]).create(receiver.url, null, new Date(now.getTime() - 1000).toISOString());
    endpoints.push(endpoint.id);
    const account = unique('lease');
    const alerts: AlertData[] = Array.from({ length: count }, (_, i) => ({
      id: unique(`alrt_${i}`),
      account,
      kind: 'credits.low',
      threshold: 10,
      balance: 5,
      raisedAt: now.toISOString(),
    }));
    await new WebhookOutbox(dbs[0]).enqueue(alerts, now);
    const sent = () =>
      receiver.received.filter((r) => r.body.includes(`"${account}"`)).map((r) => String(r.headers['webhook-id']));
    const log = async () => (await new WebhookOutbox(dbs[0]).attempts(endpoint.id, 100)).reverse();
    return { ids: alerts.map((a) => a.id), sent, log };
  };

  /** Every attempt `d` started has been answered and recorded: it stands by until woken again. */
  const settled = async (d: WebhookDeliverer) => {
    await d.stop(60_000);
  };

  it('given two deliverers starting together and a slow receiver, when both poll again and again, then each alert is sent once', async () => {
    const alerts = await alertsFor(6);
    receiver.hold = true;
    const [a, b] = [deliverer(new WebhookOutbox(dbs[0])), deliverer(new WebhookOutbox(dbs[1]))];
    a.setActive(true);
    b.setActive(true);
    await Promise.all([a.wake(), b.wake()]);
    await eventually(() => expect(alerts.sent().length).toBeGreaterThanOrEqual(6));
    // Neither the holder's next poll nor the other's takes what is in flight, unanswered.
    await Promise.all([a.wake(), b.wake()]);
    await b.wake();
    receiver.release();
    await Promise.all([settled(a), settled(b)]);

    expect(alerts.sent().sort()).toEqual([...alerts.ids].sort());
    const log = await alerts.log();
    expect(log.map((attempt) => [attempt.alertId, attempt.attempt, attempt.statusCode]).sort()).toEqual(
      [...alerts.ids].sort().map((id) => [id, 1, 204]),
    );
  });

  it('given a deliverer that sent and died before recording, when the lease is over, then another sends the delivery again', async () => {
    const alerts = await alertsFor(1);
    const claimedAt = now;
    const dead = deliverer(new DyingOutbox(dbs[0]));
    dead.setActive(true);
    await dead.wake();
    await eventually(() => expect(alerts.sent()).toEqual(alerts.ids));
    dead.setActive(false);
    deliverers.splice(deliverers.indexOf(dead), 1);

    const other = deliverer(new WebhookOutbox(dbs[1]));
    for (const at of [1, deliveryLeaseMs(TIMEOUT_MS) - 1]) {
      now = new Date(claimedAt.getTime() + at);
      other.setActive(true);
      await other.wake();
      await settled(other);
      expect(alerts.sent()).toEqual(alerts.ids);
    }

    now = new Date(claimedAt.getTime() + deliveryLeaseMs(TIMEOUT_MS));
    other.setActive(true);
    await other.wake();
    await settled(other);
    // At least once: the dead process may or may not have reached the receiver; it is sent again.
    expect(alerts.sent()).toEqual([...alerts.ids, ...alerts.ids]);
    expect((await alerts.log()).map((attempt) => [attempt.attempt, attempt.statusCode, attempt.nextRetryAt])).toEqual([
      [1, 204, null],
    ]);
  });

  it('given an attempt that failed, when its retry is due (before the lease would be over), then it is sent again', async () => {
    const alerts = await alertsFor(1);
    const firstAt = now;
    receiver.status = 500;
    const a = deliverer(new WebhookOutbox(dbs[0]));
    a.setActive(true);
    await a.wake();
    await settled(a);
    expect(alerts.sent()).toEqual(alerts.ids);
    const retryAt = new Date(firstAt.getTime() + RETRY_BASE_MS).toISOString();
    expect((await alerts.log()).map((attempt) => [attempt.attempt, attempt.statusCode, attempt.nextRetryAt])).toEqual([
      [1, 500, retryAt],
    ]);
    expect(RETRY_BASE_MS).toBeLessThan(deliveryLeaseMs(TIMEOUT_MS));

    receiver.status = 204;
    const b = deliverer(new WebhookOutbox(dbs[1]));
    now = new Date(firstAt.getTime() + RETRY_BASE_MS - 1);
    b.setActive(true);
    await b.wake();
    await settled(b);
    expect(alerts.sent()).toEqual(alerts.ids);

    now = new Date(firstAt.getTime() + RETRY_BASE_MS);
    b.setActive(true);
    await b.wake();
    await settled(b);
    expect(alerts.sent()).toEqual([...alerts.ids, ...alerts.ids]);
    expect((await alerts.log()).map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, 500],
      [2, 204],
    ]);
  });

  it('given an attempt recorded after its lease, when another deliverer has delivered meanwhile, then the delivery stays delivered', async () => {
    const alerts = await alertsFor(1);
    const claimedAt = now;
    receiver.status = 500;
    const late = new LateOutbox(dbs[0]);
    const slow = deliverer(late);
    slow.setActive(true);
    await slow.wake();
    await eventually(() => expect(alerts.sent()).toEqual(alerts.ids));
    slow.setActive(false);

    receiver.status = 204;
    now = new Date(claimedAt.getTime() + deliveryLeaseMs(TIMEOUT_MS));
    const other = deliverer(new WebhookOutbox(dbs[1]));
    other.setActive(true);
    await other.wake();
    await settled(other);
    late.release();
    await settled(slow);
    expect((await alerts.log()).map((attempt) => [attempt.attempt, attempt.statusCode])).toEqual([
      [1, 204],
      [1, 500],
    ]);

    // The late failure's retry would be due by now: nothing is sent again.
    now = new Date(now.getTime() + 2 * RETRY_BASE_MS);
    other.setActive(true);
    await other.wake();
    await settled(other);
    expect(alerts.sent()).toEqual([...alerts.ids, ...alerts.ids]);
  });
});
