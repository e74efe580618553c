import { TallyClient } from './tally-client';

const decision = { id: 'u-1', decision: 'accepted' };
const reply = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function clientAnswering(...replies: Array<Response | Error>) {
  const bodies: string[] = [];
  const fetch = jest.fn(async (_url: unknown, init?: RequestInit) => {
    bodies.push(String(init?.body));
    const next = replies.shift()!;
    if (next instanceof Error) throw next;
    return next;
  });
  const client = new TallyClient({ baseUrl: 'http://tally', token: 't', source: 's', retryDelayMs: 1, fetch: fetch as never });
  return { client, fetch, bodies };
}

describe('TallyClient retries', () => {
  it('retries an unavailable or unreachable server with the same usage id, then returns the decision', async () => {
    const { client, fetch, bodies } = clientAnswering(
      reply(503, { code: 'BUSY' }),
      new Error('ECONNRESET'),
      reply(200, decision),
    );
    await expect(client.record({ subject: 'a', meter: 'm', quantity: 1 })).resolves.toEqual(decision);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(new Set(bodies).size).toBe(1);
  });

  it('does not retry what retrying cannot cure: bad input, auth', async () => {
    const { client, fetch } = clientAnswering(reply(400, { code: 'VALIDATION_FAILED', errors: [] }));
    await expect(client.record({ subject: 'a', meter: 'm', quantity: 0 })).rejects.toMatchObject({ status: 400 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('returns a RATE_LIMITED decision (429) as a result, unretried; any other 429 is retried', async () => {
    const limited = { id: 'u-1', decision: 'rejected', reason: 'RATE_LIMITED', retryAfterMs: 1200 };
    const { client, fetch } = clientAnswering(
      reply(429, limited, { 'retry-after': '2' }),
      reply(429, { code: 'TOO_MANY_FAILURES' }, { 'retry-after': '0' }),
      reply(201, { ...decision, expiresAt: 'x' }),
    );
    await expect(client.record({ subject: 'a', meter: 'm', quantity: 1 })).resolves.toEqual(limited);
    expect(fetch).toHaveBeenCalledTimes(1);
    await expect(client.hold({ subject: 'a', meter: 'm', quantity: 1 })).resolves.toMatchObject({ decision: 'accepted' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('gives up after its retries, with the last error', async () => {
    const { client, fetch } = clientAnswering(
      ...Array.from({ length: 4 }, () => reply(503, { code: 'BUSY' }, { 'retry-after': '0' })),
    );
    await expect(client.check({ subject: 'a', meter: 'm', quantity: 1 })).rejects.toMatchObject({ status: 503, retryable: true });
    expect(fetch).toHaveBeenCalledTimes(4);
  });
});

describe('TallyClient credit grants', () => {
  it('gives a grant without an id one of its own, and retries it with the same id', async () => {
    const answer = { grant: { id: 'x' }, balance: 5 };
    const { client, fetch, bodies } = clientAnswering(reply(503, { code: 'BUSY' }), reply(201, answer));
    await expect(client.grant('acme', { amount: 5, expiresAt: '2027-01-01T00:00:00Z' })).resolves.toEqual(answer);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0])).toMatchObject({ amount: 5, id: expect.stringMatching(/^g_/) });
  });

  it('voids with an empty body and reads grants as of an instant', async () => {
    const { client, fetch, bodies } = clientAnswering(reply(200, { id: 'g', status: 'voided' }), reply(200, []));
    await client.voidGrant('acme', 'g/1');
    await client.grants('acme', '2026-11-01T00:00:00Z');
    expect(bodies[0]).toBe('{}');
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([
      'http://tally/v1/accounts/acme/credits/grants/g%2F1/void',
      'http://tally/v1/accounts/acme/credits/grants?asOf=2026-11-01T00%3A00%3A00Z',
    ]);
  });
});
