import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { hostileJson, hostileString, NAMES, PROTOTYPE_NAMES } from './fuzz-values';
import { CONTENT_TYPES, mutate, ROUTES, type Route } from './fuzz-routes';

/** One fuzz case: an HTTP request as bytes and headers. */
export interface FuzzRequest {
  /** Whose token is sent: the admin, a producer bound to source "fuzz", a finance key, none, or a made-up one. */
  as: 'admin' | 'producer' | 'finance' | 'none' | 'bad';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array | string | undefined;
  describe: string;
}

/** Percent-encodes the UTF-8 bytes of any string (lone surrogates included, which encodeURIComponent refuses). */
const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')]
    .map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`))
    .join('');

/** A name as sent: `text` in bodies, `path` (escaped, or a broken escape) in URLs. */
const nameArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NAMES).map((text) => ({ text, path: text })) },
  { weight: 2, arbitrary: hostileString.map((text) => ({ text, path: percentEncode(text) })) },
  // Escapes that are not UTF-8, or not escapes at all.
  {
    weight: 1,
    arbitrary: fc.constantFrom('%ff%fe', '%', '%zz', '%C0%80', '%00', 'a%2Fb', '..', '.').map((path) => ({ text: path, path })),
  },
);
const queryValue = fc.oneof(
  fc.constantFrom(
    '2026-11',
    '2026-13',
    '1',
    '0',
    '1e3',
    '0x10',
    '-1',
    'subject',
    'acme',
    '2026-11-22T10:00:00Z',
    '2026-02-30T10:00:00Z',
  ),
  hostileString,
);

const bodyText = (route: Route, name: string): fc.Arbitrary<string | undefined> => {
  if (!route.body) return fc.constantFrom(undefined, '', '{}');
  const valid = route.body(name);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(JSON.stringify(valid)) },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.nat(), hostileJson, fc.option(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileString), { freq: 4 }))
        .map(([pick, value, key]) => JSON.stringify(mutate(valid, pick, value, key))),
    },
    { weight: 2, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.nat({ max: 5000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
        fc.nat({ max: 200 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
        fc.constant(JSON.stringify(valid).slice(0, -3)),
        fc.constant(''),
      ),
    },
  );
};

/** Requests over every route: mutated valid bodies, arbitrary JSON and bytes, every content type. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    name: nameArb,
    query: fc.array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom('limit', 'month', 'from', 'to', 'account', 'groupBy', 'before', 'asOf'),
          fc.constantFrom(...PROTOTYPE_NAMES),
          hostileString,
        ),
        queryValue,
      ),
      { maxLength: 3 },
    ),
    contentType: fc.oneof(
      { weight: 3, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    ),
    encoding: fc.oneof(
      { weight: 6, arbitrary: fc.constant('none') },
      { weight: 1, arbitrary: fc.constantFrom('gzip', 'gzip-lie', 'deflate-lie', 'br-lie', 'compress') },
    ),
    accept: fc.constantFrom('application/json', 'text/csv', '*/*', ''),
    as: fc.oneof(
      { weight: 6, arbitrary: fc.constant('admin' as const) },
      { weight: 1, arbitrary: fc.constantFrom('producer' as const, 'finance' as const, 'none' as const, 'bad' as const) },
    ),
  })
  .chain(({ route, name, query, contentType, encoding, accept, as }) =>
    bodyText(route, name.text).map((text): FuzzRequest => {
      const search = new URLSearchParams();
      for (const key of route.query ?? []) if (query.length % 2 === 0) search.append(key, '2026-11');
      for (const [k, v] of query) search.append(k, v);
      const headers: Record<string, string> = {};
      if (contentType) headers['content-type'] = contentType;
      if (accept) headers.accept = accept;
      let body: Uint8Array | string | undefined = text;
      if (text !== undefined && encoding !== 'none') {
        headers['content-encoding'] = encoding.replace('-lie', '');
        if (encoding === 'gzip') body = gzipSync(text);
      }
      const path = `${route.path(name.path)}${search.size ? `?${search}` : ''}`;
      return {
        as,
        method: route.method,
        path,
        headers,
        body,
        describe: `${route.method} ${path} ${JSON.stringify(headers)} ${JSON.stringify(text)?.slice(0, 300)}`,
      };
    }),
  );
