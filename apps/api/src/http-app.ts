import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { buildOpenApiDocument } from './http/openapi/document';
import { sendProblem } from './http/problem-details.filter';
import type { Runtime } from './runtime/runtime';
import { quietStartup } from './runtime/startup-logger';

/** Bodies larger than this get 413 (DESIGN §5). */
export const BODY_LIMIT = '1mb';

/** Builds the HTTP application over a runtime; the caller listens and closes. */
export async function createHttpApp(runtime: Runtime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(quietStartup(app.get(Logger)));
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
  });
  // Body-parser errors (bad JSON, too large) answered here, before Nest turns them into bare 400s.
  const bodyErrors = new NestLogger('http');
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) =>
    error ? sendProblem(res, error, bodyErrors) : next(),
  );
  app.disable('x-powered-by');
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json' });
  return app;
}
