import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Problem } from '../http/problem';
import type { ApiKey } from './api-keys';
import type { AuthenticatedRequest } from './auth.guard';

/** `@CurrentKey()`: the key that authenticated the request (set by AuthGuard). */
export const CurrentKey = createParamDecorator(currentKey);

/** What {@link CurrentKey} gives. */
export function currentKey(_: unknown, context: ExecutionContext): ApiKey {
  return context.switchToHttp().getRequest<AuthenticatedRequest>().apiKey as ApiKey;
}

/**
 * docs/contract.md §3.4 "Sources are bound to keys": a key created with a source reports only under it, so
 * no producer can claim (and so swallow) another service's idempotency keys.
 */
export function assertSourcesAllowed(key: ApiKey, sources: Iterable<string>): void {
  if (key.source === null) return;
  for (const source of sources) {
    if (source !== key.source) {
      throw new Problem(403, 'SOURCE_NOT_ALLOWED', 'Source not allowed', `this key may report only under source "${key.source}"`);
    }
  }
}
