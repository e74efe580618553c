import type { Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import type { Authenticator, KeyedRequest } from '../auth/authenticator';
import { REQUEST_ID_HEADER } from '../runtime/logger';
import { readBody } from './body-reader';
import { bodyHeadersProblem, parseJsonBody, takesBody } from './json-body';
import { sendProblem } from './problem-details.filter';

/** Echoes the request's id (the caller's if usable, see newRequestId) on every answer, the earliest ones included. */
export function echoRequestId(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader(REQUEST_ID_HEADER, request.id);
    done();
  });
}

/**
 * The key before the body: a request that carries one is authenticated (or refused 401/429)
 * before a byte of it is read, so that no client without a key can make Tally read a body; a
 * refusal closes the connection, so the unread body is never waited for. Then, still before
 * reading: 415 for a body that is not JSON, 400 for a JSON route's request without one.
 */
export function guardBodies(instance: FastifyInstance, authenticator: Authenticator, logger: Logger): void {
  instance.addHook('onRequest', async (request: AuthenticatedRequest, reply: FastifyReply) => {
    const raw = request.raw as KeyedRequest;
    if (!takesBody(raw)) return;
    try {
      request.apiKey = await authenticator.authenticate(raw, reply.raw);
    } catch (error) {
      reply.header('Connection', 'close');
      sendProblem(reply, error, logger);
      return reply;
    }
    const problem = bodyHeadersProblem(raw);
    if (problem) {
      sendProblem(reply, problem, logger);
      return reply;
    }
  });
}

/**
 * The one body parser: every JSON body (application/json, CloudEvents' structured and batch
 * types; others were refused with 415 above) is read up to its limit, scanned for depth and width
 * and parsed once (json-body.ts). Its Problems go to the error handler, the problem+json filter.
 */
export function parseBodies(instance: FastifyInstance): void {
  instance.removeAllContentTypeParsers();
  const parse = (request: FastifyRequest, payload: IncomingMessage, done: (error: Error | null, body?: unknown) => void) => {
    // Another method's body (a DELETE with one) is not Tally's to read.
    if (!takesBody(request.raw)) return done(null, undefined);
    readBody(payload).then(
      (raw) => {
        let body: object;
        try {
          body = parseJsonBody(raw);
        } catch (error) {
          return done(error as Error, undefined);
        }
        done(null, body);
      },
      (error: Error) => done(error, undefined),
    );
  };
  // The same parser for every type. Named, the JSON types are found by Fastify's cache of the
  // header it saw (one map lookup); the catch-all alone was looked for by parsing the header anew
  // on every request.
  instance.addContentTypeParser(PARSED_TYPES, parse);
  instance.addContentTypeParser('*', parse);
}

/** The media types Tally's clients send bodies as (any other JSON type reaches the same parser through the catch-all). */
const PARSED_TYPES = ['application/json', 'application/cloudevents+json', 'application/cloudevents-batch+json'];

/** Security headers for a path prefix (the docs, the console), set before anything answers. */
export function headersUnder(instance: FastifyInstance, prefix: string, headers: Record<string, string>): void {
  const entries = Object.entries(headers);
  instance.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    if (url.length >= prefix.length && url.slice(0, prefix.length).toLowerCase() === prefix) {
      const next = url.charAt(prefix.length);
      if (next === '' || next === '/' || next === '?') for (const [name, value] of entries) reply.header(name, value);
    }
    done();
  });
}

/**
 * `OPTIONS` on any route's path: 204 with `Allow` naming the methods the path answers (HEAD
 * wherever GET is, and OPTIONS), no body and no CORS headers (Tally serves no other origin); a
 * path no route has stays 404. Public, as the OpenAPI document is, and answered before any body
 * or key is looked at. Call before any route is added; the answers are registered by a plugin
 * that loads after every plugin registered before the returned function is called.
 */
export function answerOptions(instance: FastifyInstance): () => void {
  const methods = new Map<string, { url: string; methods: Set<string> }>();
  // The router matches any case, with or without a trailing slash: one entry per path it tells apart.
  const keyOf = (url: string) => (url.length > 1 && url.endsWith('/') ? url.slice(0, -1) : url).toLowerCase();
  instance.addHook('onRoute', (route) => {
    const key = keyOf(route.url);
    const entry = methods.get(key) ?? { url: route.url, methods: new Set<string>() };
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(method.toUpperCase());
    methods.set(key, entry);
  });
  return () => {
    void instance.register(async (answers) => {
      for (const { url, methods: answered } of methods.values()) {
        if (answered.has('OPTIONS')) continue;
        const allow = [...answered, 'OPTIONS'].sort().join(', ');
        answers.options(url, (_request, reply) => {
          void reply.code(204).header('Allow', allow).send();
        });
      }
    });
  };
}
