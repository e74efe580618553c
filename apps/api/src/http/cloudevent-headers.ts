import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { repeatedAttributeHeaders, type MessageHeaders } from '@tally/messages';
import { validationProblem } from './problem';

/**
 * The request's headers for the CloudEvents binding, refusing (400, naming each) a `ce-*`
 * header sent more than once: the server would join the values into `"a, b"`, one attribute
 * that no producer meant. It reads the Node request underneath Fastify's (its `raw`), whose `headersDistinct` keeps repeated values apart.
 */
export const CloudEventHeaders = createParamDecorator((_: unknown, context: ExecutionContext): MessageHeaders => {
  const request = context.switchToHttp().getRequest<IncomingMessage & { raw?: IncomingMessage }>();
  const node = request.raw ?? request;
  const repeated = repeatedAttributeHeaders(node.headersDistinct);
  if (repeated.length) {
    throw validationProblem(
      repeated.map((name) => ({
        field: name,
        reason: `${name} is sent ${node.headersDistinct[name]?.length} times; a CloudEvents attribute takes one value`,
      })),
    );
  }
  return node.headers;
});
