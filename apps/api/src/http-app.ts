import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { builtConsoleDir, serveConsole } from './console/console-static';
import { BODY_LIMIT } from './http/body-reader';
import { answerOptions, echoRequestId, guardBodies, headersUnder, parseBodies } from './http/http-hooks';
import { boundedFastifyAdapter } from './http/http-server';
import { buildOpenApiDocument } from './http/openapi/document';
import { httpMetrics } from './operations/http-metrics.hook';
import { Metrics } from './operations/metrics';
import type { Runtime } from './runtime/runtime';
import { logRequests } from './runtime/request-log';
import { quietStartup } from './runtime/startup-logger';

// Swagger UI: its scripts and the document from this origin, its inline styles; never framed.
const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Options of the HTTP application; tests point `consoleDir` at a console they built. */
export interface HttpAppOptions {
  consoleDir?: string | null;
}

/** Builds the HTTP application over a runtime (routes ready, nothing left to set up lazily); the caller listens and closes. */
export async function createHttpApp(runtime: Runtime, options: HttpAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRuntime(runtime),
    boundedFastifyAdapter(runtime.config.http, BODY_LIMIT),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(quietStartup(app.get(Logger)));
  const fastify = app.getHttpAdapter().getInstance();
  const registerOptions = answerOptions(fastify);
  // Hooks run in the order added: the request line and metrics first, so that answers given
  // before a handler are logged and counted too.
  logRequests(fastify, runtime.logger);
  echoRequestId(fastify);
  httpMetrics(fastify, app.get(Metrics));
  guardBodies(fastify, runtime.authenticator, new NestLogger('http'));
  parseBodies(fastify);
  headersUnder(fastify, '/docs', {
    'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
  });
  serveConsole(app, options.consoleDir === undefined ? builtConsoleDir() : options.consoleDir);
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json' });
  // Routes, plugins and hooks registered now, not on the first request.
  await app.init();
  registerOptions();
  await fastify.ready();
  return app;
}
