import { decodeUtf8 } from '@tally/messages';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { Problem, validationProblem } from './problem';

/** Deepest nesting of arrays and objects a body may have; Tally's own bodies need 3. */
export const MAX_JSON_DEPTH = 32;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Whether a request method carries a JSON body on Tally's routes (asked of the bare request, before Express's). */
export function takesBody(req: IncomingMessage): boolean {
  return BODY_METHODS.has(req.method ?? '');
}

/**
 * `application/json` or any `application/*+json` (CloudEvents' structured and batch types), with
 * parameters; a charset, if named, must be UTF-8 (RFC 8259 §8.1).
 */
export function isJsonMediaType(header: string | undefined): boolean {
  if (!header) return false;
  const [essence, ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (essence !== 'application/json' && !/^application\/[a-z0-9!#$&^_.-]+\+json$/.test(essence)) return false;
  return parameters.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/** Before the body is read: JSON routes refuse other media types with 415 (docs/contract.md §5.4). */
export function requireJsonMediaType(req: Request, _res: Response, next: NextFunction): void {
  const declared = req.headers['content-type'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!takesBody(req) || (declared === undefined && !hasBody) || isJsonMediaType(declared)) return next();
  next(
    new Problem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'send the body as JSON with Content-Type: application/json',
    ),
  );
}

/** After the raw body is read (and decoded): 400 for an empty, too deeply nested or malformed body. */
export function parseJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!takesBody(req)) return next();
  const raw = req.body as Buffer | undefined;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    return next(new Problem(400, 'EMPTY_BODY', 'Empty body', 'this route needs a JSON body'));
  }
  const text = decodeUtf8(raw);
  if (text === null) {
    return next(new Problem(400, 'BAD_ENCODING', 'Body is not UTF-8', 'JSON must be UTF-8 (RFC 8259); the body is not'));
  }
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return next(new Problem(400, 'TOO_DEEP', 'JSON nested too deeply', `JSON may nest at most ${MAX_JSON_DEPTH} levels`));
  }
  try {
    req.body = JSON.parse(text);
  } catch {
    return next(new Problem(400, 'MALFORMED_JSON', 'Malformed JSON', 'the body is not valid JSON'));
  }
  // Every JSON route takes an object (POST /v1/usage also an array); `null` would read as "no fields".
  if (typeof req.body !== 'object' || req.body === null) {
    return next(validationProblem([{ field: '', reason: 'must be a JSON object' }]));
  }
  next();
}

/**
 * The deepest nesting of `[` and `{` outside strings, scanned in one loop (no recursion, so any
 * depth is measured without touching the stack); stops counting once past `limit`.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      deepest = Math.max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

interface ReadError {
  type?: string;
  status?: number;
}

/** What a failure to read the body (size, encoding, charset) answers; never a 500. */
export function bodyReadProblem(error: unknown, req: Request): Problem {
  if (error instanceof Problem) return error;
  const { type } = (error ?? {}) as ReadError;
  if (type === 'entity.too.large')
    return new Problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'the body is larger than 1 MiB');
  if (type === 'encoding.unsupported') {
    return new Problem(415, 'UNSUPPORTED_ENCODING', 'Unsupported content encoding', 'use gzip, deflate, br or none');
  }
  if (type === 'charset.unsupported') return new Problem(415, 'UNSUPPORTED_CHARSET', 'Unsupported charset', 'send UTF-8');
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    return new Problem(400, 'BAD_ENCODING', 'Body not in its encoding', `the body is not valid ${encoding} data`);
  }
  return new Problem(400, 'BAD_BODY', 'Unreadable body', 'the body could not be read completely');
}
