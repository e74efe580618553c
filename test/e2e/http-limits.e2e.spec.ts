import { connect, type Socket } from 'node:net';
import { ADMIN_TOKEN, startTally, type RunningTally } from '../support/tally';

// Issue 8, finding 7: a slow body held a socket for 300 s and connections had no cap. The limits
// are the HTTP server's, the same for both stores, so PGlite alone is used here.
describe('HTTP server limits', () => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally('pglite', {
      env: { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_MAX_CONNECTIONS: '4' },
    });
  });
  afterAll(() => tally.destroy());

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const { hostname, port } = new URL(tally.url);
      const socket = connect(Number(port), hostname, () => resolve(socket));
      socket.on('error', reject);
    });
  /** Resolves with what the server sent once it closes the socket, and how long that took. */
  const closed = (socket: Socket) =>
    new Promise<{ text: string; ms: number }>((resolve) => {
      const started = Date.now();
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    });

  // With a key: a request without one is answered 401 before its body is read (finding-4 spec).
  it('closes a request whose body never finishes arriving, within the request timeout', async () => {
    const socket = await open();
    const done = closed(socket);
    socket.write(
      `POST /v1/usage HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spec`,
    );
    const { text, ms } = await done;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(5000);
  });

  it('closes a request whose headers never finish arriving', async () => {
    const socket = await open();
    const done = closed(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect((await done).ms).toBeLessThan(5000);
  });

  it('refuses connections beyond the cap, and serves again once they close', async () => {
    const held = await Promise.all([open(), open(), open(), open()]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = await open().catch(() => null);
    if (extra) expect((await closed(extra)).text).toBe('');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${tally.url}/healthz`)).status).toBe(200);
  });
});
