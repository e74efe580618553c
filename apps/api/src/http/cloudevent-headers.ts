import type { ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { repeatedAttributeHeaders, type MessageHeaders } from '@tally/messages';
import { validationProblem } from './problem';

/**
 * The request's headers for the CloudEvents binding, refusing (400, naming each) a `ce-*`
 * header sent more than once: the server would join the values into `"a, b"`, one attribute
 * that no producer meant. It reads the Node request underneath Fastify's (its `raw`), whose `headersDistinct` keeps repeated values apart.
 */
export function cloudEventHeaders(_: unknown, context: ExecutionContext): MessageHeaders {
  const request = context.switchToHttp().getRequest<IncomingMessage & { raw?: IncomingMessage }>();
  const node = request.raw ?? request;
  // Node builds `headersDistinct` (an array per header) when it is first read: only for a request that repeats a `ce-*` name.
  const repeated = repeatsAttribute(node.rawHeaders) ? repeatedAttributeHeaders(node.headersDistinct) : [];
  if (repeated.length) {
    throw validationProblem(
      repeated.map((name) => ({
        field: name,
        reason: `${name} is sent ${node.headersDistinct[name]?.length} times; a CloudEvents attribute takes one value`,
      })),
    );
  }
  return node.headers;
}

/** Whether a `ce-*` header name (any case) occurs twice among the request's header lines (`rawHeaders`: name, value, name, …). */
function repeatsAttribute(rawHeaders: readonly string[]): boolean {
  let seen: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    // "ce-" in any case, without lower-casing every header name
    if (
      name.length < 3 ||
      name.charCodeAt(2) !== 0x2d ||
      (name.charCodeAt(0) | 0x20) !== 0x63 ||
      (name.charCodeAt(1) | 0x20) !== 0x65
    )
      continue;
    const lower = name.toLowerCase();
    if (seen?.includes(lower)) return true;
    (seen ??= []).push(lower);
  }
  return false;
}
