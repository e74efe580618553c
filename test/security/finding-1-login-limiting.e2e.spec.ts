import { request } from 'node:http';
import { SecurityServer } from './security-server';

// Issue 18, finding 1 (high), its second half: failed logins were not limited, so a token could
// be guessed at the server's full speed. Failed authentications are limited per client address
// (an in-process limiter with a metric): 429 with Retry-After, other addresses unaffected.

/** GET `path` from the local address `from` with a bearer token: status and Retry-After. */
function get(url: string, from: string, token: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress: from, headers: { authorization: `Bearer ${token}` }, agent: false });
    req.once('error', reject);
    req.once('response', (res) => {
      res.resume();
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }),
      );
    });
    req.end();
  });
}

describe('finding 1: failed authentications are limited per client address', () => {
  const servers = new SecurityServer();
  let api: Awaited<ReturnType<SecurityServer['start']>>;
  beforeAll(async () => {
    api = await servers.start({ HOST: '0.0.0.0' });
  }, 120_000);
  afterAll(() => servers.destroy());

  it('answers 429 with Retry-After once one address has failed too often, and only to that address', async () => {
    const statuses: number[] = [];
    let limited: { status: number; retryAfter: string | undefined } | null = null;
    for (let i = 0; i < 200 && !limited; i++) {
      const reply = await get(`${api.url}/v1/meters`, '127.0.0.1', `tly_guess-${i}-0123456789abcdef`);
      statuses.push(reply.status);
      if (reply.status === 429) limited = reply;
    }
    expect(statuses[0]).toBe(401);
    expect(limited).not.toBeNull();
    expect(limited!.retryAfter).toMatch(/^[1-9]\d*$/);
    // While limited, even the right token is refused from that address: guessing gains nothing.
    expect((await get(`${api.url}/v1/meters`, '127.0.0.1', api.admin.token!)).status).toBe(429);
    // Another client is not locked out by the guesser.
    expect((await get(`http://127.0.0.2:${api.port}/v1/meters`, '127.0.0.2', 'tly_wrong-0123456789abcdef')).status).toBe(401);
    expect((await get(`http://127.0.0.2:${api.port}/v1/meters`, '127.0.0.2', api.admin.token!)).status).toBe(200);
    // And the limiter is counted where operators look.
    const metrics = await (await fetch(`http://127.0.0.2:${api.port}/metrics`)).text();
    expect(metrics).toMatch(/^tally_\w*auth\w* /m);
  }, 60_000);
});
