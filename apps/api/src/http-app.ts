import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { builtConsoleDir, serveConsole } from './console/console-static';
import { sendProblem } from './http/problem-details.filter';
import type { Runtime } from './runtime/runtime';

/** Bodies larger than this get 413 (DESIGN §5). */
export const BODY_LIMIT = '1mb';

/** Options of the HTTP application; tests point `consoleDir` at a console they built. */
export interface HttpAppOptions {
  consoleDir?: string | null;
}

/** Builds the HTTP application over a runtime; the caller listens and closes. */
export async function createHttpApp(runtime: Runtime, options: HttpAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRuntime(runtime), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
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
  serveConsole(app, options.consoleDir === undefined ? builtConsoleDir() : options.consoleDir);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tally')
      .setDescription('Event-sourced usage metering and quotas for microservices')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return app;
}
