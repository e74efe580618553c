import fc from 'fast-check';
import { BACKENDS, startTally, type RunningTally } from '../support/tally';
import { fuzzRequest, type FuzzRequest } from './fuzz-requests';

// Seeded, so a failure can be replayed: FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm run test:jest -- test/fuzz
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

describe.each(BACKENDS)('fuzzing every route over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  const crashes: unknown[] = [];
  const tokens: Record<FuzzRequest['as'], string | null> = {
    admin: null,
    producer: null,
    finance: null,
    none: null,
    bad: 'tly_x',
  };
  const onCrash = (error: unknown) => crashes.push(error);
  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    // Loopback webhooks allowed, so that a registration the fuzzer gets right is created, as before the address rule.
    tally = await startTally(backend, { env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    tokens.admin = tally.admin.token;
    for (const role of ['producer', 'finance'] as const) {
      tokens[role] = (await tally.admin.post('/v1/api-keys', { name: role, role, source: 'fuzz' })).body.token;
    }
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await tally.destroy();
  });

  const head = async () => {
    const { rows } = await tally.runtime.db.query<{ n: string | null }>(
      'select max(global_position)::text as n from tally_events',
    );
    return rows[0].n;
  };

  const send = async (request: FuzzRequest) => {
    const token = tokens[request.as];
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers };
    const response = await fetch(`${tally.url}${request.path}`, {
      method: request.method,
      headers,
      // fetch sends no body with GET; the server ignores one there anyway.
      body: request.method === 'GET' ? undefined : request.body,
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  it(`never answers 5xx, appends nothing on a 4xx, and stays up (${RUNS} cases, seed ${SEED})`, async () => {
    const statuses = new Map<number, number>();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        const before = await head();
        const reply = await send(request);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expect([request.describe, reply.status < 500]).toEqual([request.describe, true]);
        // 402, and 429 RATE_LIMITED, are decisions (a rejected usage is recorded); every other 4xx must leave the store as it was.
        const decided = reply.status === 402 || (reply.status === 429 && reply.text.includes('"reason":"RATE_LIMITED"'));
        if (reply.status >= 400 && !decided) {
          expect([request.describe, reply.type]).toEqual([request.describe, expect.stringContaining('application/problem+json')]);
          expect([request.describe, await head()]).toEqual([request.describe, before]);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(crashes).toEqual([]);
    expect((await fetch(`${tally.url}/healthz`)).status).toBe(200);
    const histogram = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    process.stdout.write(
      `\n[fuzz] ${backend}: ${RUNS} cases, seed ${SEED}, ${Date.now() - started} ms; statuses ${histogram.join(' ')}\n`,
    );
  }, 120_000);
});
