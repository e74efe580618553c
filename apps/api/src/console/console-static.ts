import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
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
export function serveConsole(app: NestExpressApplication, dir: string | null): void {
  if (!dir) {
    const logger = new Logger('console');
    app.use(CONSOLE_PATH, (_req: Request, res: Response) =>
      sendProblem(
        res,
        new Problem(404, 'CONSOLE_NOT_BUILT', 'Console not built', 'run `npm run build` to build the console'),
        logger,
      ),
    );
    return;
  }
  app.use(CONSOLE_PATH, (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.useStaticAssets(dir, {
    prefix: CONSOLE_PATH,
    index: 'index.html',
    redirect: true,
    fallthrough: true,
    // Assets carry a content hash in their names; index.html must be fetched fresh after an upgrade.
    setHeaders: (res, path) =>
      res.setHeader('Cache-Control', path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
