import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A delivery as the receiver saw it: the raw body and the headers, for signature checks. */
export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  answered: number;
}

/**
 * A real HTTP webhook receiver: answers `status` (204 by default, e.g. 500 to fail), or is
 * `down()`: its port refuses connections until `up()` listens on it again.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  status = 204;
  /** Read requests but never answer them (a receiver that hangs). */
  hang = false;
  /** Read requests and answer them only on `release()` (a receiver that is slow). */
  hold = false;
  private readonly held: Array<() => void> = [];
  private server: Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/tally`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          headers: req.headers,
          answered: this.hang ? 0 : this.status,
        });
        if (this.hang) return;
        const answer = () => void res.writeHead(this.status).end();
        if (this.hold) this.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Answers the requests held so far, and the next ones at once. */
  release(): void {
    this.hold = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
