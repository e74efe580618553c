import { gzipSync } from 'node:zlib';
import fc from 'fast-check';

/** Names that are members of Object.prototype, or look like something a lookup might trip on. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'total'];

/** A few names the server accepts, so requests reach handlers and state builds up between cases. */
const NAMES = ['acme', 'geocoding', 'ocr', 'alice', 'toString', 'constructor', 'valueOf', 'hasOwnProperty'];

/** Text with control characters, lone surrogates, NUL, long runs and ordinary Unicode. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\ud800y',
    '\u0007',
    '\u007f',
    '\u0085',
    '\n',
    '',
    ' ',
    '🐢',
    'żółw',
  ),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('a'.repeat(257), 'a/b', '../x', '%00', '2026-02-30T10:00:00Z', '2026-13', '1e3', '0x10'),
);

/** Numbers at and past every boundary Tally checks. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, 1e12, 1e12 + 1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased towards the hostile leaves above. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...PROTOTYPE_NAMES)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

const usageEvent = (meter: string, subject: string) => ({
  specversion: '1.0',
  id: 'u-1',
  source: 'fuzz',
  type: 'metering.usage.v1',
  subject,
  time: new Date().toISOString(),
  data: { meter, quantity: 3 },
});

interface Route {
  method: string;
  path: (name: string) => string;
  /** A valid body, mutated by the fuzzer; none for routes without one. */
  body?: (name: string) => unknown;
  query?: string[];
}

/** Every route of DESIGN §5 that this build serves, with a valid body to start mutating from. */
export const ROUTES: Route[] = [
  { method: 'POST', path: () => '/v1/usage', body: (n) => usageEvent(n, 'acme') },
  { method: 'POST', path: () => '/v1/usage', body: (n) => [usageEvent(n, 'acme'), usageEvent('ocr', n)] },
  { method: 'POST', path: () => '/v1/usage/check', body: (n) => usageEvent(n, 'alice') },
  { method: 'POST', path: () => '/v1/usage/reversals', body: (n) => ({ source: 'fuzz', id: n, reason: 'r' }) },
  { method: 'POST', path: () => '/v1/api-keys', body: (n) => ({ name: n, role: 'producer', source: n }) },
  { method: 'GET', path: () => '/v1/api-keys' },
  { method: 'DELETE', path: (n) => `/v1/api-keys/${n}` },
  {
    method: 'PUT',
    path: (n) => `/v1/meters/${n}`,
    body: () => ({ description: 'd', creditsPerUnit: 2, defaultQuota: { limit: 5 } }),
  },
  { method: 'GET', path: () => '/v1/meters' },
  { method: 'PUT', path: (n) => `/v1/subjects/${n}`, body: () => ({ account: 'acme' }) },
  {
    method: 'PUT',
    path: (n) => `/v1/accounts/acme/quotas/${n}`,
    body: () => ({
      limit: 10,
      enforcement: 'hard',
      period: 'month',
      blockSize: 10,
      blockPrice: '0.5',
      includedUnits: 1,
      currency: 'USD',
    }),
  },
  { method: 'PATCH', path: (n) => `/v1/accounts/${n}/quotas/geocoding`, body: () => ({ limit: null, enforcement: 'soft' }) },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/quotas`, query: ['asOf'] },
  { method: 'GET', path: (n) => `/v1/accounts/acme/quotas/${n}` },
  { method: 'POST', path: (n) => `/v1/accounts/${n}/credits`, body: () => ({ amount: 5, reason: 'r', id: 'g' }) },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/credits` },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/usage`, query: ['from', 'to', 'groupBy'] },
  { method: 'GET', path: () => '/v1/billing', query: ['month', 'account'] },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/decisions`, query: ['limit', 'before'] },
  { method: 'GET', path: () => '/healthz' },
  { method: 'GET', path: () => '/readyz' },
  { method: 'GET', path: () => '/metrics' },
];

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '',
];

/** Replaces the leaf (or adds the key) at `pick` of a JSON document with `value`. */
function mutate(document: unknown, pick: number, value: unknown, addKey: string | null): unknown {
  const copy = JSON.parse(JSON.stringify(document ?? null)) as unknown;
  const slots: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      slots.push([node as Record<string, unknown>, Array.isArray(node) ? Number(k) : k]);
      walk(v);
    }
  };
  walk(copy);
  if (slots.length === 0) return value;
  const [parent, key] = slots[pick % slots.length];
  if (addKey !== null && !Array.isArray(parent)) {
    // defineProperty, so that "__proto__" becomes an own key and is sent as such.
    Object.defineProperty(parent, addKey, { value, enumerable: true, configurable: true, writable: true });
  } else (parent as Record<string | number, unknown>)[key] = value;
  return copy;
}

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
