import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { SecurityServer } from './security-server';

// Issue 18, finding 4 (medium): 1,000 slow connections without a token locked everyone out (new
// connections, /healthz included, were reset until they went), and the body was read before the
// key was checked. Wanted: a cap on connections and slow requests per client address, the rest
// of the server still answering /healthz to another address, and no body read without a key.

const SLOW = 1000;

/** GET /healthz from the local address `from`: the status, or the error that ended it. */
function healthz(host: string, port: number, from: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', localAddress: from, agent: false, timeout: 2000 });
    req.once('timeout', () => req.destroy(new Error('timed out')));
    req.once('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
    req.once('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.end();
  });
}

/** Opens `n` connections from 127.0.0.1 that send half a request, then a header line every second. */
async function slowClients(port: number, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.write(`POST /v1/usage HTTP/1.1\r\nhost: tally\r\ncontent-type: application/json\r\n`);
    sockets.push(socket);
  }
  const drip = setInterval(() => sockets.forEach((s, i) => s.writable && s.write(`x-slow-${i}: 1\r\n`)), 1000);
  sockets.forEach((s) => s.once('close', () => sockets.every((x) => x.destroyed) && clearInterval(drip)));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return sockets;
}

describe('finding 4: slow clients cannot lock everyone out', () => {
  const servers = new SecurityServer();
  let api: Awaited<ReturnType<SecurityServer['start']>>;
  beforeAll(async () => {
    // Every interface, so that a second client can come from 127.0.0.2.
    api = await servers.start({ HOST: '0.0.0.0' });
  }, 120_000);
  afterAll(() => servers.destroy());

  it(`leaves /healthz answering another address while ${SLOW} slow connections come from one`, async () => {
    const sockets = await slowClients(api.port, SLOW);
    try {
      const answers: Array<number | string> = [];
      for (let i = 0; i < 5; i++) answers.push(await healthz('127.0.0.2', api.port, '127.0.0.2'));
      expect(answers).toEqual([200, 200, 200, 200, 200]);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  }, 60_000);

  it('checks the key before reading a body: no token, a 1 MB body announced and never sent, answered 401 at once', async () => {
    const started = performance.now();
    const reply = await new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: api.port });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk;
        const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (status) {
          socket.destroy();
          resolve({ status: Number(status[1]), ms: performance.now() - started });
        }
      });
      socket.once('error', reject);
      socket.setTimeout(5000, () => {
        socket.destroy();
        reject(new Error('no answer within 5 s: the server waits for the body before checking the key'));
      });
      socket.write(
        'POST /v1/usage HTTP/1.1\r\nhost: tally\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n{',
      );
    });
    expect(reply.status).toBe(401);
    expect(reply.ms).toBeLessThan(1000);
  }, 30_000);
});
