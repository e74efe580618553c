import { decodeUtf8, MAX_OBJECT_MEMBERS, tooManyMembers } from '@tally/messages';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/authenticator';
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

/**
 * Before the body is read: a request that carries one is authenticated first (every route that
 * takes a body needs a key). A refusal closes the connection, so the unread body is never waited for.
 */
export function authenticateBeforeBody(authenticator: Authenticator) {
  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (!takesBody(req)) return next();
    authenticator.authenticate(req, res).then(
      () => next(),
      (error: unknown) => {
        res.setHeader('Connection', 'close');
        next(error);
      },
    );
  };
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

/** After the raw body is read (and decoded): 400 for an empty, too deeply nested, too wide or malformed body. */
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
  const bounds = jsonBoundsProblem(text);
  if (bounds && 'tooDeep' in bounds) {
    return next(new Problem(400, 'TOO_DEEP', 'JSON nested too deeply', `JSON may nest at most ${MAX_JSON_DEPTH} levels`));
  }
  if (bounds) {
    const { field, members } = bounds;
    return next(validationProblem([{ field, reason: tooManyMembers(members) }]));
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
 * Most members one object of a body may have (see MAX_OBJECT_MEMBERS): checked by the scan before
 * JSON.parse, so that a body of 80,000 keys (849 KiB) does not cost tens of milliseconds of
 * parsing and validation on the event loop.
 */
export const MAX_JSON_MEMBERS = MAX_OBJECT_MEMBERS;

/** What the scan before JSON.parse found out of bounds, or null. */
export type JsonBoundsProblem = { tooDeep: true } | { field: string; members: number };

/**
 * One loop over the text, outside strings (no recursion, so any depth is measured without
 * touching the stack): nesting deeper than `maxDepth`, or an object with more than `maxMembers`
 * members (counted by their colons), named by its path (`data`, `[3].data`; '' for the body).
 * Malformed JSON is left to JSON.parse.
 */
export function jsonBoundsProblem(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxMembers = MAX_JSON_MEMBERS,
): JsonBoundsProblem | null {
  const isObject: boolean[] = [];
  const members: number[] = [];
  const index: number[] = [];
  const keyAt: Array<[number, number]> = [];
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let lastString: [number, number] = [0, 0];
  let wideAt = 0;
  const wide = () => ({ field: pathTo(text, wideAt, isObject, keyAt, index), members: members[wideAt] });
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) {
        inString = false;
        lastString = [stringStart, i + 1];
      }
      continue;
    }
    switch (c) {
      case 0x22: // "
        inString = true;
        stringStart = i;
        break;
      case 0x7b: // {
      case 0x5b: // [
        if (++depth > maxDepth) return { tooDeep: true };
        isObject[depth] = c === 0x7b;
        members[depth] = 0;
        index[depth] = 0;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (wideAt && depth === wideAt) return wide();
        depth--;
        break;
      case 0x3a: // : one per member of the object it is in
        if (depth < 1) break;
        keyAt[depth] = lastString;
        if (++members[depth] > maxMembers && !wideAt) wideAt = depth;
        break;
      case 0x2c: // , the next element of the array it is in
        if (depth >= 1 && !isObject[depth]) index[depth]++;
        break;
    }
  }
  return wideAt ? wide() : null;
}

/** The field path of the container at `depth`: the key or index chosen in each container above it. */
function pathTo(text: string, depth: number, isObject: boolean[], keyAt: Array<[number, number]>, index: number[]): string {
  let path = '';
  for (let level = 1; level < depth; level++) {
    if (!isObject[level]) {
      path += `[${index[level]}]`;
      continue;
    }
    const [from, to] = keyAt[level];
    let key: string;
    try {
      key = JSON.parse(text.slice(from, to)) as string;
    } catch {
      key = text.slice(from + 1, to - 1);
    }
    path = path ? `${path}.${key}` : key;
  }
  return path;
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
