import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject } from '@nestjs/swagger';
import { ref, RESPONSE_SCHEMAS } from './schemas';
import { USAGE_SCHEMAS } from './usage-schemas';
import { ALERT_SCHEMAS } from './alert-schemas';
import { USAGE_OPERATIONS } from './usage-binding.openapi';

const problem = (description: string): ResponseObject => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

// Every route can answer these; documenting them once keeps each controller about its own answers.
const PROBLEMS = {
  400: problem('Invalid input: `errors` names each field and why'),
  401: problem('No token, or an unknown one'),
  403: problem("The token's role may not use this route"),
  429: {
    ...problem('This client address failed authentication too often; any token is refused until Retry-After has passed'),
    headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer', minimum: 1 } } },
  },
  413: problem('The body is larger than 1 MiB'),
  415: problem('The body is not JSON'),
};

/**
 * Operation ids clients are generated with: the method and the controller, camel-cased
 * (`list` of `MetersController` → `listMeters`), unless a route names its own.
 */
export function operationId(controllerKey: string, methodKey: string): string {
  return `${methodKey}${controllerKey.replace(/Controller$/, '')}`;
}

function withProblems(operation: OperationObject): void {
  const responses = operation.responses;
  const add = (status: keyof typeof PROBLEMS) => (responses[status] ??= PROBLEMS[status]);
  const secured = (operation.security ?? []).length > 0;
  if (secured) [401, 403, 429].forEach((s) => add(s as 401 | 403 | 429));
  if (operation.requestBody || (operation.parameters ?? []).some((p) => 'in' in p && p.in !== 'header')) add(400);
  if (operation.requestBody) [413, 415].forEach((s) => add(s as 413 | 415));
}

/** The OpenAPI 3 document `/openapi.json` serves: the HTTP API as a contract clients are generated from. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tally')
      .setDescription(
        'Event-sourced usage metering and quotas for microservices. Errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
      .addServer('/', 'the server that serves this document')
      .addBearerAuth()
      .build(),
    { operationIdFactory: operationId },
  );
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...RESPONSE_SCHEMAS, ...USAGE_SCHEMAS, ...ALERT_SCHEMAS },
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.patch, item.delete]) {
      if (!operation) continue;
      const usage = operation.operationId ? USAGE_OPERATIONS[operation.operationId] : undefined;
      if (usage) {
        operation.requestBody = usage.requestBody;
        operation.parameters = [...(operation.parameters ?? []), ...usage.parameters];
      }
      // Stated explicitly: the operations routes need no token (a linter cannot tell an omission from intent).
      operation.security ??= [];
      withProblems(operation);
    }
  }
  return document;
}
