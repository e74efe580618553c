import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { batchSizeError, isHttpBatch, type MessageHeaders } from '@tally/messages';
import type { ApiKey } from '../auth/api-keys';
import { currentKey } from '../auth/source-binding';
import { cloudEventHeaders } from './cloudevent-headers';
import { validationProblem } from './problem';

/**
 * The body of a route that takes usage CloudEvents, read with its headers (the CloudEvents HTTP
 * binding: in binary mode an array body is the event's `data`, not a batch), which the global
 * pipe cannot see. A batch is refused by its type and length alone, before anything walks it:
 * on a route that takes one event (`oneEvent` says which: `@UsageRequest('a check')`) any batch,
 * whatever its length; on POST /v1/usage one that is not 1 to 1000 events (30,000 of them, each
 * validated, held the event loop). The usage contract checks the rest (libs/messages).
 */
function usageBody(oneEvent: string | undefined, context: ExecutionContext): unknown {
  const { headers, body } = context.switchToHttp().getRequest<{ headers: MessageHeaders; body: unknown }>();
  if (!isHttpBatch(headers, body)) return body;
  if (oneEvent) throw validationProblem([{ field: '', reason: `${oneEvent} takes one event, not a batch` }]);
  const size = Array.isArray(body) ? batchSizeError(body) : null;
  if (size) throw validationProblem([size]);
  return body;
}

/** What a usage route reads of its request: the body (see usageBody), the headers ({@link cloudEventHeaders}) and the key. */
export interface UsageRequest {
  body: unknown;
  headers: MessageHeaders;
  key: ApiKey;
}

/**
 * `@UsageRequest(oneEvent?)`: the body, the headers and the key (`@CurrentKey()`) as one
 * parameter, checked in that order (three parameters before, whose first refusal was the same):
 * Nest runs the global pipe on each custom parameter through four promises, on every request.
 */
export const UsageRequest = createParamDecorator((oneEvent: string | undefined, context: ExecutionContext): UsageRequest => ({
  body: usageBody(oneEvent, context),
  headers: cloudEventHeaders(undefined, context),
  key: currentKey(undefined, context),
}));
