import { randomBytes, randomUUID } from 'node:crypto';
import { startTally, unique, usageEvent, type RunningTally } from '../support/tally';

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

describe('what operators see: request ids, trace context, metrics', () => {
  let tally: RunningTally;
  const logs: string[] = [];
  beforeAll(async () => {
    tally = await startTally('pglite', { logs });
  });
  afterAll(() => tally.destroy());

  const loggedAs = (id: string | null) => logs.map((line) => JSON.parse(line)).find((l) => l.req?.id === id);

  it('keeps a caller X-Request-Id that has the form of one, or makes one, echoes it and logs it with the traceparent', async () => {
    for (const given of [randomUUID(), randomBytes(16).toString('hex')]) {
      const reply = await tally.admin.get('/v1/meters', { 'x-request-id': given, traceparent: TRACE });
      expect(reply.headers.get('x-request-id')).toBe(given);
      expect(loggedAs(given)?.req).toMatchObject({ url: '/v1/meters', traceparent: TRACE });
    }
    // Anything else is replaced, and logged under the new id: a token there is never written.
    for (const given of ['has spaces\tand tabs', unique('req'), 'tly_not-an-id-0123456789abcdef0123456789']) {
      const generated = (await tally.admin.get('/v1/meters', { 'x-request-id': given })).headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      expect(loggedAs(generated)).toBeDefined();
      expect(logs.join('\n')).not.toContain(given);
    }
  });

  it('logs no info line per decided usage (the hot route), but still warns about a refused one', async () => {
    const meter = unique('m');
    await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 10 } });
    const before = logs.length;
    await tally.admin.post('/v1/usage', usageEvent({ subject: unique('a'), meter, quantity: 1 }));
    await tally.admin.post('/v1/usage/check', usageEvent({ subject: unique('a'), meter, quantity: 1 }));
    await tally.admin.post('/v1/usage', { specversion: '1.0' });
    const requestLines = logs
      .slice(before)
      .map((line) => JSON.parse(line))
      .filter((l) => l.req?.url?.startsWith('/v1/usage'));
    expect(requestLines.map((l) => [l.req.url, l.res.statusCode, l.level])).toEqual([['/v1/usage', 400, 40]]);
  });

  it('exposes the standard process_* and nodejs_* metrics, unprefixed', async () => {
    const text = (await tally.admin.as(null).get('/metrics')).text;
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(text).not.toContain('tally_process_');
    expect(text).not.toContain('tally_nodejs_');
  });

  it('reports projection lag as 0 once the read models have caught up', async () => {
    const meter = unique('m');
    await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 10 } });
    await tally.admin.post('/v1/usage', usageEvent({ subject: unique('a'), meter, quantity: 1 }));
    await tally.runtime.runner.waitFor((await tally.runtime.store.headPosition())!);
    const text = (await tally.admin.as(null).get('/metrics')).text;
    expect(metric(text, 'tally_projection_lag_seconds')).toBe(0);
  });
});

describe('projection lag of a stalled projector', () => {
  let tally: RunningTally;
  beforeAll(async () => {
    // The api without its projector: nothing projects, as when a projector process has stopped.
    tally = await startTally('pglite', { project: false });
  });
  afterAll(() => tally.destroy());

  it('grows while events wait to be projected', async () => {
    const meter = unique('m');
    await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: 10 } });
    const scrape = async () => metric((await tally.admin.as(null).get('/metrics')).text, 'tally_projection_lag_seconds');
    const first = await scrape();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const later = await scrape();
    expect(first).toBeGreaterThanOrEqual(0);
    expect(later).toBeGreaterThanOrEqual(first + 1);
  });
});
