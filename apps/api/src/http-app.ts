import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { builtConsoleDir, serveConsole } from './console/console-static';
import { BoundedExpressAdapter } from './http/http-server';
import { authenticateBeforeBody, bodyReadProblem, parseJsonBody, requireJsonMediaType, takesBody } from './http/json-body';
import { buildOpenApiDocument } from './http/openapi/document';
import { httpMetrics } from './operations/http-metrics.middleware';
import { Metrics } from './operations/metrics';
import { sendProblem } from './http/problem-details.filter';
import type { Runtime } from './runtime/runtime';
import { quietStartup } from './runtime/startup-logger';

/** Bodies larger than this get 413 (docs/contract.md §5.4). */
export const BODY_LIMIT = '1mb';

// Swagger UI: its scripts and the document from this origin, its inline styles; never framed.
const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function docsSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** Options of the HTTP application; tests point `consoleDir` at a console they built. */
export interface HttpAppOptions {
  consoleDir?: string | null;
}

/** Builds the HTTP application over a runtime; the caller listens and closes. */
export async function createHttpApp(runtime: Runtime, options: HttpAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRuntime(runtime),
    new BoundedExpressAdapter(runtime.config.http),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(quietStartup(app.get(Logger)));
  app.use(httpMetrics(app.get(Metrics)));
  // The key before the body: a request that carries one is authenticated (or refused 401/429)
  // before a byte of it is read, so that no client without a key can make Tally read a body.
  app.use(authenticateBeforeBody(runtime.authenticator));
  // Bodies: media type checked before reading; read (and decoded) raw up to the limit; then
  // checked for emptiness and depth before JSON.parse, so no body can reach a recursive walker.
  app.use(requireJsonMediaType);
  app.useBodyParser('raw', { limit: BODY_LIMIT, type: takesBody });
  app.use(parseJsonBody);
  // Body errors answered here, before Nest turns them into bare 400s (or 500s).
  const bodyErrors = new NestLogger('http');
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) =>
    error ? sendProblem(res, bodyReadProblem(error, req), bodyErrors) : next(),
  );
  app.disable('x-powered-by');
  // No ETag on JSON answers: hashing every body costs each decision and no client sends
  // If-None-Match to Tally's API (the console's static files keep theirs).
  app.set('etag', false);
  serveConsole(app, options.consoleDir === undefined ? builtConsoleDir() : options.consoleDir);
  app.use('/docs', docsSecurityHeaders);
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json' });
  return app;
}
