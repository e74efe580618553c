import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@tally/runtime';
import { clientKey, normalAddress } from '../auth/client-address';
import { newRequestId } from '../runtime/logger';
import { badPathProblem } from './bad-path';
import { sendProblem } from './problem-details.filter';

/**
 * Nest's Fastify adapter on a server that cannot be held by slow or numerous clients (see
 * {@link boundedServer}). Routes match as they did under Express: any case, with or without a
 * trailing slash. Fastify's own logger is off: runtime/request-log.ts writes the request lines.
 */
export function boundedFastifyAdapter(limits: Config['http'], bodyLimit: number): FastifyAdapter {
  const logger = new Logger('http');
  const patterns = new Set<string>();
  const adapter = new FastifyAdapter({
    serverFactory: (handler: Parameters<typeof createServer>[1]) => boundedServer(limits, handler),
    logger: false,
    genReqId: newRequestId,
    // What the router refuses before any hook: problem+json, as everything else; a path that is
    // not percent-encoded UTF-8 names the path parameter at fault (bad-path.ts).
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const badPath = (error as { code?: string }).code === 'FST_ERR_BAD_URL';
      sendProblem(reply, badPath ? badPathProblem(request.raw.url ?? '', patterns) : error, logger);
    },
    bodyLimit,
    // A path parameter as long as a request line may be (Node's 16 KiB of headers), so that an
    // over-long name is refused by its rule (400 naming the field), not by the router (414).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 16 * 1024 },
  });
  adapter.getInstance().addHook('onRoute', (route) => {
    patterns.add(route.url);
  });
  return adapter;
}

/**
 * A Node HTTP server that cannot be held by slow or numerous clients: a request (headers and
 * body) must arrive within its timeouts, checked every second; connections past the cap are
 * refused, in all and per client address, so that one address holding its share leaves the rest
 * to others (`/healthz` included). Node's defaults let a slow body hold a socket 300 s. Plain
 * Node: any framework's request handler can sit on it.
 */
export function boundedServer(limits: Config['http'], handler: Parameters<typeof createServer>[1]): Server {
  const { requestTimeoutMs, headersTimeoutMs, maxConnections, maxConnectionsPerClient } = limits;
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      connectionsCheckingInterval: 1000,
    },
    handler,
  );
  server.maxConnections = maxConnections;
  limitPerClient(server, maxConnectionsPerClient);
  return server;
}

/**
 * Closes at once a connection from a client address that already has `max` open. The counts
 * live only while connections are open: the map holds at most one entry per open connection.
 * (Behind a proxy every connection comes from the proxy: let the proxy limit per client, and
 * raise HTTP_MAX_CONNECTIONS_PER_CLIENT to what it may open.)
 */
export function limitPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = clientKey(normalAddress(socket.remoteAddress));
    const count = open.get(client) ?? 0;
    if (count >= max) {
      socket.destroy();
      return;
    }
    open.set(client, count + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}
