import type { FieldError } from '@tally/messages';
import { validationProblem, type Problem } from './problem';

const decodes = (segment: string): boolean => {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
};

const segmentsOf = (path: string): string[] => {
  const segments = path.split('/');
  // The router matches with or without a trailing slash.
  if (segments.length > 2 && segments[segments.length - 1] === '') segments.pop();
  return segments;
};

/** A route pattern's parameter name (`:account` → `account`), or null for a static segment. */
const parameterOf = (segment: string): string | null => /^:([A-Za-z0-9_]+)/.exec(segment)?.[1] ?? null;

/**
 * The 400 for a request whose path the router cannot decode (a `%` not followed by two hex
 * digits, or bytes that are not UTF-8), naming each path parameter at fault: the segments that
 * do not decode, matched against the route patterns (`/v1/accounts/:account/quotas`) whose
 * other segments are the path's (any case, as the router matches). A bad segment no route takes
 * as a parameter is named `path`. Neither echoes the path, which may carry what a client should
 * not have put there. The work is linear in the path and the routes.
 */
export function badPathProblem(url: string, patterns: Iterable<string>): Problem {
  const end = url.search(/[?#]/);
  const segments = segmentsOf(end === -1 ? url : url.slice(0, end));
  const bad = new Set(segments.flatMap((segment, i) => (decodes(segment) ? [] : [i])));
  for (const pattern of bad.size ? patterns : []) {
    const parts = segmentsOf(pattern);
    if (parts.length !== segments.length) continue;
    const names = parts.map(parameterOf);
    const matches = parts.every((part, i) =>
      bad.has(i) ? names[i] !== null : names[i] !== null || decodeURIComponent(segments[i]).toLowerCase() === part.toLowerCase(),
    );
    if (!matches) continue;
    return validationProblem([...bad].map((i) => reason(names[i]!)));
  }
  return validationProblem([{ field: 'path', reason: 'the path must be percent-encoded UTF-8' }]);
}

const reason = (name: string): FieldError => ({ field: name, reason: `${name} must be percent-encoded UTF-8` });
