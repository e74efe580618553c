import fastify, { type FastifyInstance } from 'fastify';
import { storage } from 'nestjs-pino/storage';
import { createLogger } from '@tally/runtime';
import { logRequests } from './request-log';

const TOKEN = 'tly_Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWo';
const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

type Line = Record<string, unknown> & { req?: Record<string, unknown>; res?: Record<string, unknown> };

/** A Fastify app logging through a Tally logger whose lines are kept; a hook after the log's sets a key, as the guard does. */
async function given(level = 'info'): Promise<{ app: FastifyInstance; lines: Line[] }> {
  const lines: Line[] = [];
  const logger = createLogger(level, 'request-log-test', { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  const app = fastify({ logger: false });
  logRequests(app, logger);
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.authorization === `Bearer ${TOKEN}`) (request.raw as { apiKey?: object }).apiKey = {};
    done();
  });
  app.get('/v1/accounts/:account/quotas', async () => {
    storage.getStore()?.logger.warn({ code: 'X' }, 'said while handling');
    return [];
  });
  app.post('/v1/usage', async (_request, reply) => reply.code(Number(_request.headers['x-status'] ?? 200)).send({}));
  app.get('/v1/fails', async () => {
    throw new Error('boom');
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.ready();
  return { app, lines };
}

describe('the request line', () => {
  it('has the shape pino-http wrote: req (path as on arrival), res, responseTime, and the message with the path as sent', async () => {
    const { app, lines } = await given();
    const reply = await app.inject({
      method: 'GET',
      url: `/v1/accounts/acme-42/quotas?sig=${TOKEN}&asOf=2026-11-01T00:00:00Z`,
      headers: { authorization: `Bearer ${TOKEN}`, traceparent: TRACE },
    });
    expect(reply.statusCode).toBe(200);
    const line = lines.find((l) => l.res !== undefined) as Line;
    expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'name', 'req', 'res', 'responseTime', 'msg']);
    expect(line.level).toBe(30);
    expect(line.req).toEqual({
      id: expect.any(String),
      method: 'GET',
      url: '/v1/accounts/*/quotas?sig=[redacted]&asOf=2026-11-01T00:00:00Z',
      traceparent: TRACE,
    });
    expect(line.res).toMatchObject({ statusCode: 200, headers: expect.any(Object) });
    expect(line.msg).toMatch(/^GET \/v1\/accounts\/acme-42\/quotas\?sig=\[redacted\]&asOf=2026-11-01T00:00:00Z 200 \(\d+ ms\)$/);
    expect(JSON.stringify(lines)).not.toContain(TOKEN.slice(4, 24));
    await app.close();
  });

  it('binds the request to what is logged while it is handled', async () => {
    const { app, lines } = await given();
    await app.inject({ method: 'GET', url: '/v1/accounts/acme-42/quotas', headers: { traceparent: 'not-a-trace' } });
    const said = lines.find((l) => l.msg === 'said while handling') as Line;
    expect(said).toMatchObject({ level: 40, code: 'X', req: { method: 'GET', url: '/v1/accounts/*/quotas' } });
    expect(said.req).not.toHaveProperty('traceparent');
    await app.close();
  });

  it('logs a decided usage at debug only, a refused one as a warning, a 5xx as an error with err', async () => {
    const { app, lines } = await given();
    await app.inject({ method: 'POST', url: '/v1/usage', payload: {} });
    await app.inject({ method: 'POST', url: '/v1/usage', payload: {}, headers: { 'x-status': '402' } });
    await app.inject({ method: 'GET', url: '/v1/fails' });
    const timeless = (l: Line) => [l.level, String(l.msg).replace(/\(\d+ ms\)$/, '(N ms)')];
    expect(lines.map(timeless)).toEqual([
      [40, 'POST /v1/usage 402 (N ms)'],
      [50, 'GET /v1/fails 500 failed'],
    ]);
    expect(lines[1]).toMatchObject({ err: { type: 'Error', message: 'failed with status code 500' }, res: { statusCode: 500 } });
    expect(Object.keys(lines[1])).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'name',
      'req',
      'res',
      'err',
      'responseTime',
      'msg',
    ]);

    const debug = await given('debug');
    await debug.app.inject({ method: 'POST', url: '/v1/usage', payload: {} });
    expect(debug.lines.map(timeless)).toEqual([[20, 'POST /v1/usage 200 (N ms)']]);
    await app.close();
    await debug.app.close();
  });

  it('writes no line for health checks', async () => {
    const { app, lines } = await given('debug');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect(lines).toEqual([]);
    await app.close();
  });
});
