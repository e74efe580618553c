import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ref, RESPONSE_SCHEMAS } from './schemas';

type SchemaName = keyof typeof RESPONSE_SCHEMAS;

/** Documents one answer of a route: its status and the schema of its JSON body (`[name]` for a list). */
export function Answers(status: number, description: string, schema?: SchemaName | [SchemaName]): MethodDecorator {
  const body = schema === undefined ? undefined : Array.isArray(schema) ? { type: 'array', items: ref(schema[0]) } : ref(schema);
  return ApiResponse({ status, description, ...(body ? { schema: body } : {}) });
}

/** Documents a problem+json answer particular to a route (401/403/400 are documented for every route). */
export function Fails(status: number, description: string): MethodDecorator {
  return ApiResponse({ status, description, content: { 'application/problem+json': { schema: ref('Problem') } } });
}

/** A route's stable operation id (what generated clients call it) and summary. */
export function Operation(operationId: string, summary: string): MethodDecorator {
  return ApiOperation({ operationId, summary });
}

/** Documents the 429 of a single usage or hold refused RATE_LIMITED: the decision, and when to retry. */
export function RateLimited(): MethodDecorator {
  return ApiResponse({
    status: 429,
    description: 'Rejected RATE_LIMITED: the decision, with `retryAfterMs`',
    schema: ref('Decision'),
    headers: {
      'Retry-After': {
        description: 'seconds until the rate limit admits the quantity (rounded up); absent when the quantity is above the burst',
        schema: { type: 'integer', minimum: 1 },
      },
    },
  });
}
