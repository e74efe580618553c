import { SecurityServer } from './security-server';

// Issue 18, finding 5 (low), the parts that come with the HTTP framework: a token sent in ?q=,
// ?t=, ?sig=, a path or X-Request-Id was logged verbatim (only secret-looking parameter names were
// redacted); /docs had no Content-Security-Policy or frame-ancestors.

describe('finding 5: secrets never logged, /docs under a CSP', () => {
  const servers = new SecurityServer();
  let api: Awaited<ReturnType<SecurityServer['start']>>;
  let token: string;
  beforeAll(async () => {
    api = await servers.start();
    token = (await api.admin.post('/v1/api-keys', { name: 'leaky', role: 'finance' })).body.token;
  }, 120_000);
  afterAll(() => servers.destroy());

  it('never writes a token to the log, whatever the parameter, path segment or header that carries it', async () => {
    const requests: Array<[string, Record<string, string>]> = [
      [`/v1/meters?q=${token}`, {}],
      [`/v1/meters?t=${token}`, {}],
      [`/v1/meters?sig=${token}`, {}],
      [`/v1/meters?x=1&${encodeURIComponent(token)}=1`, {}],
      [`/v1/accounts/${token}/quotas`, {}],
      [`/v1/${token}`, {}],
      ['/v1/meters', { 'x-request-id': token }],
      ['/v1/meters', { 'x-debug': token }],
      ['/v1/meters', { authorization: `Bearer ${token}` }],
    ];
    for (const [path, headers] of requests) await fetch(`${api.url}${path}`, { headers });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The requests were logged (so the check below can fail), without the token.
    expect(api.logs.filter((l) => l.includes('/v1/meters')).length).toBeGreaterThan(0);
    const leaked = api.logs.filter((l) => l.includes(token) || l.includes(token.slice(4, 24)));
    expect(leaked).toEqual([]);
  });

  it('serves /docs with a Content-Security-Policy that forbids framing', async () => {
    const response = await fetch(`${api.url}/docs`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'|frame-ancestors 'self'/);
    expect(csp).toMatch(/default-src|script-src/);
  });
});
