import { createServer } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Config } from '@tally/runtime';

/**
 * Nest's Express adapter, with a server that cannot be held by slow or numerous clients: a
 * request (headers and body) must arrive within its timeouts, checked every second, and
 * connections past the cap are refused. Node's defaults let a slow body hold a socket 300 s.
 */
export class BoundedExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: Config['http']) {
    super();
  }

  override initHttpServer(): void {
    const { requestTimeoutMs, headersTimeoutMs, maxConnections } = this.limits;
    const server = createServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
        connectionsCheckingInterval: 1000,
      },
      this.getInstance(),
    );
    server.maxConnections = maxConnections;
    this.httpServer = server;
  }
}
