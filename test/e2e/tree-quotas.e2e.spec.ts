import { Webhook } from 'standardwebhooks';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';
import { WebhookReceiver } from '../support/webhook-receiver';
import { holdEvent } from './hold-event';

// docs/contract.md §2.7: a parent's quota view is held against its subtree; quota alerts at every level.
describe.each(BACKENDS)('quotas and alerts in account trees (%s)', (backend) => {
  let tally: RunningTally;
  const receiver = new WebhookReceiver();
  let secret: string;
  beforeAll(async () => {
    await receiver.up();
    tally = await startTally(backend, { env: { WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    secret = (await tally.admin.post('/v1/webhooks', { url: receiver.url })).body.secret;
  }, 60_000);
  afterAll(async () => {
    await tally.destroy();
    await receiver.down();
  });

  const use = (subject: string, meter: string, quantity: number) =>
    tally.admin.post('/v1/usage', usageEvent({ subject, meter, quantity }));
  const quota = async (account: string, meter: string) => (await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body;

  it('shows a parent the usage and holds of its whole subtree, its own apart, and why a child was refused', async () => {
    const [root, team, dev, meter] = [unique('org'), unique('team'), unique('dev'), unique('m')];
    await tally.admin.put(`/v1/accounts/${root}/quotas/${meter}`, { limit: 40 });
    await tally.admin.put(`/v1/accounts/${team}`, { parent: root });
    await tally.admin.put(`/v1/accounts/${dev}`, { parent: team });
    for (const kid of [team, dev]) await tally.admin.put(`/v1/accounts/${kid}/quotas/${meter}`, { limit: 100 });
    for (const [account, quantity] of [
      [root, 5],
      [team, 10],
      [dev, 20],
    ] as const) {
      expect((await use(account, meter, quantity)).status).toBe(200);
    }
    expect((await tally.admin.post('/v1/reservations', holdEvent({ subject: dev, meter, quantity: 3 }))).status).toBe(201);
    const refused = await use(dev, meter, 3);
    expect([refused.status, refused.body.reason, refused.body.limitedBy]).toEqual([402, 'QUOTA_EXCEEDED', root]);

    await eventually(async () => {
      expect(await quota(root, meter)).toMatchObject({
        limit: 40,
        usage: 35,
        reserved: 3,
        remaining: 2,
        own: { usage: 5, reserved: 0 },
      });
      expect(await quota(team, meter)).toMatchObject({
        limit: 100,
        usage: 30,
        reserved: 3,
        remaining: 67,
        own: { usage: 10, reserved: 0 },
      });
    });
    // A leaf (no members below it) keeps the view it always had, from the read models: its own usage, no `own`.
    await eventually(async () => {
      const leaf = await quota(dev, meter);
      expect(leaf).toMatchObject({ usage: 20, reserved: 3, remaining: 77 });
      expect(leaf).not.toHaveProperty('own');
    });
    // As of now: the same subtree counts, from the tree's aggregate (the root's streams).
    const at = encodeURIComponent(new Date().toISOString());
    const [rootThen, teamThen] = await Promise.all(
      [root, team].map(async (a) => (await tally.admin.get(`/v1/accounts/${a}/quotas?asOf=${at}`)).body),
    );
    expect(rootThen).toEqual([expect.objectContaining({ meter, usage: 35, reserved: 3, remaining: 2 })]);
    expect(teamThen).toEqual([expect.objectContaining({ meter, usage: 30, reserved: 3, remaining: 67 })]);
    // The listing answers the same as the one-meter read.
    expect((await tally.admin.get(`/v1/accounts/${root}/quotas`)).body).toEqual([
      expect.objectContaining({ meter, usage: 35, reserved: 3, remaining: 2, own: { usage: 5, reserved: 0 } }),
    ]);
  });

  it("raises a member's own alertAt and its parent's, each naming its account, once per period", async () => {
    const [root, team, meter] = [unique('org'), unique('team'), unique('m')];
    await tally.admin.put(`/v1/accounts/${root}/quotas/${meter}`, { limit: 100, alertAt: [50] });
    await tally.admin.put(`/v1/accounts/${team}`, { parent: root });
    await tally.admin.put(`/v1/accounts/${team}/quotas/${meter}`, { limit: 10, alertAt: [80] });
    for (const quantity of [8, 1]) expect((await use(team, meter, quantity)).status).toBe(200);
    expect((await use(root, meter, 45)).status).toBe(200);
    const alertsOf = (account: string) =>
      receiver.received
        .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { data: Record<string, any> })
        .filter((a) => a.data.account === account && a.data.meter === meter);
    await eventually(() => {
      expect(alertsOf(team)).toHaveLength(1);
      expect(alertsOf(root)).toHaveLength(1);
    }, 15_000);
    expect(alertsOf(team)[0].data).toMatchObject({ kind: 'quota.threshold', threshold: 80, usage: 8, limit: 10 });
    expect(alertsOf(root)[0].data).toMatchObject({ kind: 'quota.threshold', threshold: 50, usage: 54, limit: 100 });
    // Raised once: more usage past the thresholds raises nothing more.
    expect((await use(team, meter, 1)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect([alertsOf(team).length, alertsOf(root).length]).toEqual([1, 1]);
  }, 60_000);
});
