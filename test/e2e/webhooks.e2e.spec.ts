import { Webhook } from 'standardwebhooks';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, unique, usageEvent, type RunningTally } from '../support/tally';
import { WebhookReceiver, type Received } from '../support/webhook-receiver';

const verified = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, any> };

describe.each(BACKENDS)('alerts delivered to webhooks signed per Standard Webhooks (%s)', (backend) => {
  let tally: RunningTally;
  const receiver = new WebhookReceiver();
  const logs: string[] = [];
  beforeAll(async () => {
    await receiver.up();
    // Retries every 200 ms, doubling, so that a receiver that was down a few seconds gets its deliveries in the test;
    // the receiver is on this machine, so loopback is allowed (test/security/webhooks-inside.e2e.spec.ts refuses it).
    tally = await startTally(backend, {
      logs,
      env: { WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_ALLOW_LOOPBACK: 'true' },
    });
  }, 60_000);
  afterAll(async () => {
    await tally.destroy();
    await receiver.down();
  });

  let endpoint: { id: string; secret: string };
  it('registers an endpoint, showing its whsec_ secret once and never again', async () => {
    const created = await tally.admin.post('/v1/webhooks', { url: receiver.url, description: 'ops' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      url: receiver.url,
      description: 'ops',
      secret: expect.stringMatching(/^whsec_/),
    });
    endpoint = created.body;
    const listed = await tally.admin.get('/v1/webhooks');
    expect(listed.body).toEqual(
      expect.arrayContaining([{ id: endpoint.id, url: receiver.url, description: 'ops', createdAt: expect.any(String) }]),
    );
    expect(listed.text).not.toContain(endpoint.secret.slice(6));
  });

  it('refuses URLs that are not http or https, and bad alert terms, naming the field', async () => {
    for (const url of ['ftp://example.com/x', 'not a url', 'javascript:alert(1)', '', 42]) {
      const reply = await tally.admin.post('/v1/webhooks', { url });
      expect([reply.status, reply.body.errors?.[0]?.field]).toEqual([400, 'url']);
    }
    // Credentials would be listed back in clear (and fetch refuses them: every delivery would fail);
    // link-local is where cloud metadata services answer (refused even with loopback allowed); spaces would be stored as typed.
    for (const [url, says] of [
      ['http://user:secret@127.0.0.1:9/x', /credentials/],
      ['http://169.254.169.254/latest/meta-data/', /cloud metadata address/],
      ['http://[fe80::1]:8080/x', /link-local/],
      [' http://127.0.0.1:9/x ', /spaces/],
    ] as const) {
      const reply = await tally.admin.post('/v1/webhooks', { url });
      expect([reply.status, reply.body.errors?.[0]?.field]).toEqual([400, 'url']);
      expect(JSON.stringify(reply.body.errors)).toMatch(says);
      expect(reply.text).not.toContain('secret@');
    }
    for (const alertAt of [[0], [50, 50], [1001], [1.5], null, 'x', Array.from({ length: 11 }, (_, i) => i + 1)]) {
      const reply = await tally.admin.put(`/v1/accounts/${unique('a')}/quotas/${unique('m')}`, { limit: 10, alertAt });
      expect([reply.status, reply.body.errors?.[0]?.field]).toEqual([400, 'alertAt']);
    }
    for (const creditsBelow of [undefined, 0, -1, 1.5, '5']) {
      const reply = await tally.admin.put(`/v1/accounts/${unique('a')}/alerts`, { creditsBelow });
      expect([reply.status, reply.body.errors?.[0]?.field]).toEqual([400, 'creditsBelow']);
    }
  });

  it('delivers each quota threshold once in the period, every signature verified', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    const quota = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 100, alertAt: [50, 80] });
    expect(quota.body).toMatchObject({ limit: 100, alertAt: [50, 80] });
    for (const quantity of [40, 15, 5, 30, 5]) {
      const reply = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity }));
      expect(reply.body).toMatchObject({ decision: 'accepted' });
    }
    const mine = () => receiver.received.filter((r) => r.body.includes(`"${account}"`));
    await eventually(() => expect(mine()).toHaveLength(2), 15_000);
    const alerts = mine().map((r) => verified(endpoint.secret, r));
    expect(alerts.map((a) => [a.type, a.data.threshold, a.data.usage])).toEqual([
      ['quota.threshold', 50, 55],
      ['quota.threshold', 80, 90],
    ]);
    expect(alerts[0].data).toMatchObject({
      account,
      meter,
      kind: 'quota.threshold',
      limit: 100,
      period: expect.stringMatching(/^\d{4}-\d{2}$/),
    });
    expect(mine().map((r) => r.headers['webhook-id'])).toEqual(alerts.map((a) => a.data.id));
    // Nothing else arrives for this account later (the thresholds were raised once).
    await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mine()).toHaveLength(2);
  });

  it('retries a receiver that answered 500 and then refused connections, and logs every attempt', async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: 1 });
    await tally.admin.post(`/v1/accounts/${account}/credits`, { amount: 30 });
    expect((await tally.admin.put(`/v1/accounts/${account}/alerts`, { creditsBelow: 20 })).body).toEqual({
      account,
      creditsBelow: 20,
    });
    const mine = () => receiver.received.filter((r) => r.body.includes(`"${account}"`));

    receiver.status = 500;
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 15 }))).body).toMatchObject({
      decision: 'accepted',
    });
    await eventually(() => expect(mine().length).toBeGreaterThanOrEqual(2), 15_000);
    await receiver.down();
    const log = () => tally.admin.get(`/v1/webhooks/${endpoint.id}/deliveries`);
    await eventually(async () => expect((await log()).body.some((a: any) => a.error === 'ECONNREFUSED')).toBe(true), 15_000);
    receiver.status = 204;
    await receiver.up();

    await eventually(() => expect(mine().some((r) => r.answered === 204)).toBe(true), 20_000);
    const delivered = mine().find((r) => r.answered === 204)!;
    expect(verified(endpoint.secret, delivered).data).toMatchObject({ account, kind: 'credits.low', threshold: 20, balance: 15 });
    // One alert, one webhook-id, however many attempts it took.
    expect(new Set(mine().map((r) => r.headers['webhook-id'])).size).toBe(1);

    // The receiver has the request before the deliverer has its answer and records it: the log catches up.
    const attempts = await eventually(async () => {
      const logged = (await log()).body.filter((a: any) => a.alertId === delivered.headers['webhook-id']);
      expect(logged[0]).toMatchObject({ statusCode: 204, error: null, nextRetryAt: null, durationMs: expect.any(Number) });
      return logged;
    });
    expect(attempts.some((a: any) => a.statusCode === 500 && a.nextRetryAt !== null)).toBe(true);
    expect(attempts.some((a: any) => a.statusCode === null && a.error === 'ECONNREFUSED')).toBe(true);
    expect(attempts.map((a: any) => a.attempt)).toEqual(attempts.map((_: unknown, i: number) => attempts.length - i));
    expect(JSON.stringify((await log()).body)).not.toContain(endpoint.secret.slice(6));
  }, 60_000);

  it('keeps delivering to other endpoints while one hangs, and logs its attempts as timed out', async () => {
    const hanging = new WebhookReceiver();
    hanging.hang = true;
    await hanging.up();
    const slow = (await tally.admin.post('/v1/webhooks', { url: hanging.url })).body;
    try {
      const [account, meter] = [unique('a'), unique('m')];
      await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, alertAt: [10] });
      expect((await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }))).status).toBe(200);
      await eventually(() => expect(hanging.received.some((r) => r.body.includes(`"${account}"`))).toBe(true), 15_000);
      // The hanging receiver holds its delivery; the other endpoint has its copy all the same.
      await eventually(() => expect(receiver.received.some((r) => r.body.includes(`"${account}"`))).toBe(true), 15_000);
      await eventually(async () => {
        const log = (await tally.admin.get(`/v1/webhooks/${slow.id}/deliveries`)).body;
        expect(log).toContainEqual(expect.objectContaining({ statusCode: null, error: 'timed out after 2000 ms' }));
      }, 15_000);
    } finally {
      await tally.admin.delete(`/v1/webhooks/${slow.id}`);
      await hanging.down();
    }
  }, 60_000);

  it('removes an endpoint (204, then 404) and answers 404 for the log of an unknown one', async () => {
    const created = await tally.admin.post('/v1/webhooks', { url: 'https://hooks.example.com/hook' });
    expect((await tally.admin.delete(`/v1/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await tally.admin.delete(`/v1/webhooks/${created.body.id}`)).body).toMatchObject({
      status: 404,
      code: 'WEBHOOK_NOT_FOUND',
    });
    expect((await tally.admin.get(`/v1/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
    expect((await tally.admin.get('/v1/webhooks')).body.map((w: any) => w.id)).not.toContain(created.body.id);
    // Ids that cannot be an endpoint's are no endpoint (or, not UTF-8, a bad request), never a database error.
    for (const id of ['%00', 'wh_%00', 'x'.repeat(300)]) {
      expect((await tally.admin.delete(`/v1/webhooks/${id}`)).status).toBe(404);
      expect((await tally.admin.get(`/v1/webhooks/${id}/deliveries`)).status).toBe(404);
    }
    expect((await tally.admin.get('/v1/webhooks/wh_%ff/deliveries')).status).toBe(400);
  });

  it('writes failed attempts to the log by endpoint and alert, never the secret or the URL', () => {
    const failed = logs.map((line) => JSON.parse(line)).filter((l) => l.msg === 'webhook attempt failed; will retry');
    expect(failed[0]).toMatchObject({
      endpoint: endpoint.id,
      alert: expect.stringMatching(/^alrt_/),
      attempt: expect.any(Number),
    });
    const all = logs.join('\n');
    expect(all).not.toContain(endpoint.secret.slice(6));
    expect(all).not.toContain(receiver.url);
  });
});
