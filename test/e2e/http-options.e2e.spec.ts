import { startTally, type RunningTally } from '../support/tally';

// Under Express, OPTIONS on a route answered 200 with the route's methods in Allow; the move to
// Fastify turned it into a 404 problem. A client (or a proxy's health probe) asking which
// methods a path takes gets them again: 204 with Allow, no body, no CORS headers, no key needed.
describe('OPTIONS on a route', () => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally('pglite', { consoleDir: null });
  });
  afterAll(() => tally.destroy());

  const options = (path: string) => fetch(`${tally.url}${path}`, { method: 'OPTIONS' });

  it.each([
    ['/v1/usage', 'OPTIONS, POST'],
    ['/v1/usage/check', 'OPTIONS, POST'],
    ['/v1/meters', 'GET, HEAD, OPTIONS'],
    ['/v1/meters/geocoding', 'OPTIONS, PUT'],
    ['/v1/accounts/acme/quotas/geocoding', 'GET, HEAD, OPTIONS, PATCH, PUT'],
    ['/v1/api-keys/k-1', 'DELETE, OPTIONS'],
    ['/healthz', 'GET, HEAD, OPTIONS'],
  ])('%s answers 204 with Allow: %s', async (path, allow) => {
    const reply = await options(path);
    expect(reply.status).toBe(204);
    expect(reply.headers.get('allow')).toBe(allow);
    expect(await reply.text()).toBe('');
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('matches paths as the routes do: any case, with or without a trailing slash', async () => {
    for (const path of ['/V1/Usage', '/v1/usage/', '/v1/meters/']) {
      const reply = await options(path);
      expect([path, reply.status]).toEqual([path, 204]);
    }
    expect((await options('/V1/USAGE/CHECK/')).headers.get('allow')).toBe('OPTIONS, POST');
  });

  it('answers a path no route has with the 404 problem, as any other method', async () => {
    const reply = await options('/v1/nothing-here');
    expect(reply.status).toBe(404);
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reply.headers.get('allow')).toBeNull();
  });
});
