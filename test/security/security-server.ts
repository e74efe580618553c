import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiProcess, type ApiProcess } from '../support/api-process';
import { buildPrivately, freePort } from '../support/processes';

/**
 * The built server as users run it (`npm start`: embedded, api and projector in one process),
 * started as a process of its own, for the security suite: every finding is reproduced over
 * real HTTP against it. One build per suite file, in a folder of its own.
 */
export class SecurityServer {
  private build: { dir: string; main: string } | null = null;
  private readonly dataDirs: string[] = [];
  private readonly running: ApiProcess[] = [];

  /** Builds the service (once). */
  prepare(): void {
    this.build ??= buildPrivately('tally-security');
  }

  /** Starts the server with `env` on a fresh port (and a fresh data directory unless one is given). */
  async start(env: Record<string, string> = {}, dataDir?: string): Promise<ApiProcess & { port: number; dataDir: string }> {
    this.prepare();
    const port = await freePort();
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'tally-security-'));
    if (!dataDir) this.dataDirs.push(dir);
    const api = apiProcess({ PORT: String(port), METERING_DATA_DIR: dir, LOG_LEVEL: 'info', ...env }, { main: this.build!.main });
    this.running.push(api);
    await api.start();
    return Object.assign(api, { port, dataDir: dir });
  }

  /** Stops every server it started and deletes their data and the build. */
  async destroy(): Promise<void> {
    for (const api of this.running) await api.kill('SIGKILL');
    for (const dir of this.dataDirs) rmSync(dir, { recursive: true, force: true });
    if (this.build) rmSync(this.build.dir, { recursive: true, force: true });
  }
}

/** Whether a TCP connection to `host:port` opens. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** A response read from raw HTTP, for requests fetch cannot make (repeated headers). */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one HTTP/1.1 request over a socket of its own, its headers written exactly as listed
 * (repeats included: fetch would join them into one), and reads the answer until the server
 * closes the connection (`connection: close`).
 */
export function rawRequest(url: string, method: string, headers: Array<[string, string]>, body = ''): Promise<RawReply> {
  const { hostname, port, pathname, search } = new URL(url);
  const head = [
    `${method} ${pathname}${search} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('error', reject);
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = top.split('\r\n');
      const fields = lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]);
      const raw = rest.join('\r\n\r\n');
      const chunked = fields.some(([n, v]) => n === 'transfer-encoding' && v === 'chunked');
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: Object.fromEntries(fields),
        body: chunked ? unchunk(raw) : raw,
      });
    });
    // Written, not ended: a half-closed socket may be dropped before a slow answer is sent.
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  });
}

function unchunk(raw: string): string {
  let out = '';
  let rest = raw;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
