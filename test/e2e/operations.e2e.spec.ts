import { startTally, unique, usageEvent, type RunningTally } from '../support/tally';

describe('operations routes', () => {
  let tally: RunningTally;
  const logs: string[] = [];
  beforeAll(async () => {
    tally = await startTally('pglite', { logs });
  });
  afterAll(() => tally.destroy());

  it('answers health and readiness without a token', async () => {
    const open = tally.admin.as(null);
    expect((await open.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await open.get('/readyz')).body).toEqual({ status: 'ready', eventStore: 'ok', database: 'ok' });
  });

  it('reports not ready when the store is gone', async () => {
    const other = await startTally('pglite');
    await other.runtime.db.close();
    const reply = await other.admin.as(null).get('/readyz');
    expect(reply.status).toBe(503);
    expect(reply.body.status).toBe('not ready');
    await other.destroy();
  });

  it('exposes Prometheus metrics for requests and decisions', async () => {
    const meter = unique('m');
    await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 1 } });
    await tally.admin.post('/v1/usage', usageEvent({ subject: unique('a'), meter, quantity: 2 }));
    // Answers given before a handler runs count too: the guard's 401, the body check's 415.
    expect((await tally.admin.as(null).get('/v1/meters')).status).toBe(401);
    const plain = await fetch(`${tally.url}/v1/meters/${meter}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tally.admin.token}`, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(plain.status).toBe(415);
    const text = (await tally.admin.as(null).get('/metrics')).text;
    expect(text).toMatch(/tally_http_requests_total\{method="GET",route="\/v1\/meters",status="401"\} [1-9]/);
    expect(text).toMatch(/tally_http_requests_total\{method="PUT",route="unmatched",status="415"\} [1-9]/);
    expect(text).toMatch(/tally_decisions_total\{decision="rejected",reason="QUOTA_EXCEEDED",channel="http"\} [1-9]/);
    expect(text).toMatch(/tally_http_requests_total\{method="POST",route="\/v1\/usage",status="402"\} [1-9]/);
    expect(text).toContain('tally_projection_lag_seconds');
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const open = tally.admin.as(null);
    const spec = (await open.get('/openapi.json')).body;
    expect(spec.openapi).toMatch(/^3\./);
    for (const path of [
      '/v1/usage',
      '/v1/usage/check',
      '/v1/usage/reversals',
      '/v1/billing',
      '/v1/meters/{meter}',
      '/v1/accounts/{account}/quotas/{meter}',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    const docs = await open.get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  it('logs one JSON line per request and never a token, in logs or errors', async () => {
    const secret = 'tly_this-must-never-be-logged-0123456789';
    const reply = await tally.admin.as(secret).get(`/v1/meters?probe=${unique('p')}`);
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain(secret);
    const inQuery = await tally.admin.as(secret).get(`/v1/meters?access_token=${secret}&api-key=${secret}&probe=q`);
    expect(inQuery.status).toBe(401);
    const created = await tally.admin.post('/v1/api-keys', { name: 'logged', role: 'finance' });
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.find((l) => l.req?.url?.includes('access_token'))?.req.url).toBe(
      // Every parameter that is not Tally's has its value dropped, not only secret-looking ones.
      '/v1/meters?access_token=[redacted]&api-key=[redacted]&probe=[redacted]',
    );
    expect(lines.find((l) => l.req?.url?.startsWith('/v1/meters?probe='))).toMatchObject({
      res: { statusCode: 401 },
      msg: expect.stringMatching(/^GET \/v1\/meters\?probe=\S+ 401 \(\d+ ms\)$/),
    });
    const all = logs.join('\n');
    expect(all).not.toContain(secret);
    expect(all).not.toContain(created.body.token);
    expect(all).not.toContain(tally.admin.token as string);
  });
});
