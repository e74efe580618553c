import { createServer, type Server } from 'node:http';
import { steady } from './fixed-rate.bench';

/**
 * The bench's steady-rate generator must measure what a producer at that rate sees: a request is
 * due at its own time whatever the server is doing, and its latency runs from then. A server that
 * stalls holds up every request due during the stall, not only the few already sent.
 */
describe('the steady-rate generator (bench fixedRate)', () => {
  let server: Server;
  let url: URL;
  let stalledUntil = 0;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        if (performance.now() < stalledUntil) held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}/v1/usage`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('given a server that answers nothing for the first 800 ms of a 1 s run, when 200 requests/s are due, then most latencies include the wait', async () => {
    stalledUntil = performance.now() + 800;
    const release = setTimeout(() => held.splice(0).forEach((answer) => answer()), 800);

    const run = await steady(url, 200, 1, 4, () => '{}');
    clearTimeout(release);

    expect(run).toMatchObject({ errors: 0, unanswered: 0 });
    // Requests due in the first 700 ms (about 140 of 200) waited at least 100 ms for the stall to end;
    // a closed loop of 4 connections would have measured only the 4 it had sent.
    expect(run.p50Ms).toBeGreaterThanOrEqual(100);
    expect(run.maxMs).toBeGreaterThanOrEqual(700);
  });

  it('given a server that answers at once, when 200 requests/s are due for 1 s, then all 200 are answered and counted', async () => {
    stalledUntil = 0;
    const run = await steady(url, 200, 1, 4, () => '{}');
    expect(run).toMatchObject({ errors: 0, unanswered: 0 });
    expect(run.p50Ms).not.toBeNull();
    expect(run.achievedRps).toBeGreaterThan(0);
  });
});
