import {
  boundFieldErrors,
  decodeUtf8,
  describeFieldErrors,
  MAX_ARRAY_ITEMS,
  MAX_OBJECT_MEMBERS,
  tooManyItems,
  tooManyMembers,
} from '@tally/messages';
import type { IncomingMessage } from 'node:http';
import { Problem, validationProblem } from './problem';

/** Deepest nesting of arrays and objects a body may have; Tally's own bodies need 3. */
export const MAX_JSON_DEPTH = 32;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Whether a request method carries a JSON body on Tally's routes (asked of the bare Node request). */
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
 * Before the body is read, a Problem or null: JSON routes refuse other media types with 415
 * (docs/contract.md §5.4), and a request of theirs without a body with 400.
 */
export function bodyHeadersProblem(req: IncomingMessage): Problem | null {
  if (!takesBody(req)) return null;
  const declared = req.headers['content-type'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if ((declared !== undefined || hasBody) && !isJsonMediaType(declared)) {
    return new Problem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'send the body as JSON with Content-Type: application/json',
    );
  }
  return hasBody ? null : emptyBody();
}

function emptyBody(): Problem {
  return new Problem(400, 'EMPTY_BODY', 'Empty body', 'this route needs a JSON body');
}

/** The body once read (and decoded): parsed, or a 400 for an empty, too deeply nested, too wide or malformed one. */
export function parseJsonBody(raw: Buffer): object {
  if (raw.length === 0) throw emptyBody();
  const text = decodeUtf8(raw);
  if (text === null)
    throw new Problem(400, 'BAD_ENCODING', 'Body is not UTF-8', 'JSON must be UTF-8 (RFC 8259); the body is not');
  const bounds = jsonBoundsProblem(text);
  if (bounds && 'tooDeep' in bounds) {
    const errors = boundFieldErrors([{ field: bounds.field, reason: `JSON may nest at most ${MAX_JSON_DEPTH} levels` }]);
    throw new Problem(400, 'TOO_DEEP', 'JSON nested too deeply', describeFieldErrors(errors), errors);
  }
  if (bounds) {
    const reason = bounds.array ? tooManyItems(bounds.members) : tooManyMembers(bounds.members);
    throw validationProblem([{ field: bounds.field, reason }]);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Problem(400, 'MALFORMED_JSON', 'Malformed JSON', 'the body is not valid JSON');
  }
  // Every JSON route takes an object (POST /v1/usage also an array); `null` would read as "no fields".
  if (typeof body !== 'object' || body === null) throw validationProblem([{ field: '', reason: 'must be a JSON object' }]);
  return body;
}

/**
 * Most members one object of a body may have (see MAX_OBJECT_MEMBERS): checked by the scan before
 * JSON.parse, so that a body of 80,000 keys (849 KiB) does not cost tens of milliseconds of
 * parsing and validation on the event loop.
 */
export const MAX_JSON_MEMBERS = MAX_OBJECT_MEMBERS;

/** Most items an array inside a body may hold (see MAX_ARRAY_ITEMS; the body itself, a batch, has its own bound). */
export const MAX_JSON_ITEMS = MAX_ARRAY_ITEMS;

/**
 * What the scan before JSON.parse found out of bounds, or null: the first value nested too deeply,
 * or a container too wide (`members` counts an array's items when `array`), each named by its path.
 */
export type JsonBoundsProblem = { tooDeep: true; field: string } | { field: string; members: number; array?: true };

/**
 * One loop over the text, outside strings (no recursion, so any depth is measured without
 * touching the stack): nesting deeper than `maxDepth` (the first value too deep), an object with
 * more than `maxMembers` members (counted by their colons) or an array inside the body with more
 * than `maxItems` items (counted by their commas), named by its path (`data`, `[3].data`; '' for
 * the body; at most {@link MAX_PATH_LENGTH} characters). Malformed JSON is left to JSON.parse.
 */
export function jsonBoundsProblem(
  text: string,
  maxDepth = MAX_JSON_DEPTH,
  maxMembers = MAX_JSON_MEMBERS,
  maxItems = MAX_JSON_ITEMS,
): JsonBoundsProblem | null {
  const isObject: boolean[] = [];
  const members: number[] = [];
  const index: number[] = [];
  // Where the key chosen at each depth starts and ends: numbers, not a pair per string (this runs on every body).
  const keyFrom: number[] = [];
  const keyTo: number[] = [];
  const path = { isObject, keyFrom, keyTo, index };
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let lastStringStart = 0;
  let lastStringEnd = 0;
  let wideAt = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) {
        inString = false;
        lastStringStart = stringStart;
        lastStringEnd = i + 1;
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
        if (++depth > maxDepth) return { tooDeep: true, field: pathTo(text, depth, path) };
        isObject[depth] = c === 0x7b;
        members[depth] = 0;
        index[depth] = 0;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (wideAt && depth === wideAt) return wide(text, wideAt, members, path);
        depth--;
        break;
      case 0x3a: // : one per member of the object it is in
        if (depth < 1) break;
        keyFrom[depth] = lastStringStart;
        keyTo[depth] = lastStringEnd;
        if (++members[depth] > maxMembers && !wideAt) wideAt = depth;
        break;
      case 0x2c: // , the next element of the array it is in (the body itself, a batch, is bounded by its own rule)
        if (depth >= 1 && !isObject[depth] && ++index[depth] >= maxItems && depth >= 2 && !wideAt) wideAt = depth;
        break;
    }
  }
  return wideAt ? wide(text, wideAt, members, path) : null;
}

/** What the scan of {@link jsonBoundsProblem} found at `depth`: where the containers above it chose their keys and indexes. */
interface ScanPath {
  isObject: boolean[];
  keyFrom: number[];
  keyTo: number[];
  index: number[];
}

/** The container at `depth`, too wide. */
function wide(text: string, depth: number, members: number[], path: ScanPath): JsonBoundsProblem {
  const field = pathTo(text, depth, path);
  return path.isObject[depth] ? { field, members: members[depth] } : { field, members: path.index[depth] + 1, array: true };
}

/** The longest path the scan names: a longer one (keys can be as long as the body) is cut, ending in `…`. */
export const MAX_PATH_LENGTH = 200;

/**
 * The field path of the container at `depth`: the key or index chosen in each container above it,
 * cut at {@link MAX_PATH_LENGTH} characters (never inside a surrogate pair). Each key on the way is
 * decoded once, and none after the cut: a path costs at most one more read of the text.
 */
function pathTo(text: string, depth: number, { isObject, keyFrom, keyTo, index }: ScanPath): string {
  let path = '';
  for (let level = 1; level < depth && path.length <= MAX_PATH_LENGTH; level++) {
    if (!isObject[level]) {
      path += `[${index[level]}]`;
      continue;
    }
    const from = keyFrom[level];
    const to = keyTo[level];
    // An object with no key before its value (malformed JSON, `{[[…`) adds nothing to the path.
    if (from === undefined) continue;
    let key: string;
    try {
      key = JSON.parse(text.slice(from, to)) as string;
    } catch {
      key = text.slice(from + 1, to - 1);
    }
    path = path ? `${path}.${key}` : key;
  }
  if (path.length <= MAX_PATH_LENGTH) return path;
  const high = path.charCodeAt(MAX_PATH_LENGTH - 1) >= 0xd800 && path.charCodeAt(MAX_PATH_LENGTH - 1) <= 0xdbff;
  return `${path.slice(0, high ? MAX_PATH_LENGTH - 1 : MAX_PATH_LENGTH)}…`;
}
