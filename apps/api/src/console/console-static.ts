import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../http/problem-details.filter';
import { Problem } from '../http/problem';

/** Where the admin console is served (docs/contract.md §5.2). */
export const CONSOLE_PATH = '/console';

// The page talks to this origin's API only; nothing is loaded from anywhere else.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The folder `npm run build` writes the console to: dist/console, found from the compiled api
 * (dist/apps/api/src) or from its sources (apps/api/src, when tests run it in-process).
 */
export function builtConsoleDir(): string | null {
  const candidates = [resolve(__dirname, '../../../../console'), resolve(__dirname, '../../../../dist/console')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * Serves the console's static files at /console. They hold no secret: the page asks for an API
 * key and calls the public API with it, so the files themselves need no token.
 */
export function serveConsole(app: NestFastifyApplication, dir: string | null): void {
  const fastify = app.getHttpAdapter().getInstance();
  if (!dir) {
    const logger = new Logger('console');
    const notBuilt = (_request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(
        reply,
        new Problem(404, 'CONSOLE_NOT_BUILT', 'Console not built', 'run `npm run build` to build the console'),
        logger,
      );
    fastify.get(CONSOLE_PATH, notBuilt);
    fastify.get(`${CONSOLE_PATH}/*`, notBuilt);
    return;
  }
  fastify.addHook('onRequest', async (request, reply) => {
    const url = request.url;
    const end = url.indexOf('?');
    const path = (end < 0 ? url : url.slice(0, end)).toLowerCase();
    if (path === CONSOLE_PATH) {
      // Relative asset references resolve under /console/ only.
      reply.redirect(`${CONSOLE_PATH}/${end < 0 ? '' : url.slice(end)}`, 301);
      return reply;
    }
    if (!path.startsWith(`${CONSOLE_PATH}/`)) return;
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'no-referrer');
  });
  fastify.register(fastifyStatic, {
    root: dir,
    prefix: `${CONSOLE_PATH}/`,
    index: 'index.html',
    redirect: false,
    cacheControl: false,
    // Assets carry a content hash in their names; index.html must be fetched fresh after an upgrade.
    setHeaders: (reply, path) =>
      reply.header('Cache-Control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
  // The folder itself: its page (the wildcard route does not serve an index for an empty path).
  fastify.get(`${CONSOLE_PATH}/`, (_request, reply) => reply.sendFile('index.html'));
}
