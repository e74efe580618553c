// The routes the fuzz suite drives, each with a valid body to mutate, and the media types it sends.

const usageEvent = (meter: string, subject: string) => ({
  specversion: '1.0',
  id: 'u-1',
  source: 'fuzz',
  type: 'metering.usage.v1',
  subject,
  time: new Date().toISOString(),
  data: { meter, quantity: 3 },
});

/** A route, and a valid body for it. */
export interface Route {
  method: string;
  path: (name: string) => string;
  /** A valid body, mutated by the fuzzer; none for routes without one. */
  body?: (name: string) => unknown;
  query?: string[];
}

/** Every route of docs/contract.md §5.2 that this build serves, with a valid body to start mutating from. */
export const ROUTES: Route[] = [
  { method: 'POST', path: () => '/v1/usage', body: (n) => usageEvent(n, 'acme') },
  { method: 'POST', path: () => '/v1/usage', body: (n) => [usageEvent(n, 'acme'), usageEvent('ocr', n)] },
  { method: 'POST', path: () => '/v1/usage/check', body: (n) => usageEvent(n, 'alice') },
  { method: 'POST', path: () => '/v1/usage/reversals', body: (n) => ({ source: 'fuzz', id: n, reason: 'r' }) },
  {
    method: 'POST',
    path: () => '/v1/reservations',
    body: (n) => ({ ...usageEvent(n, 'acme'), id: n, data: { meter: n, quantity: 2, ttlSeconds: 60 } }),
  },
  { method: 'POST', path: () => '/v1/reservations/commit', body: (n) => ({ source: 'fuzz', id: n, quantity: 1 }) },
  { method: 'POST', path: () => '/v1/reservations/release', body: (n) => ({ source: 'fuzz', id: n }) },
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
      anchor: '2026-01-31T09:00:00Z',
      blockSize: 10,
      blockPrice: '0.5',
      includedUnits: 1,
      currency: 'USD',
      alertAt: [50, 100],
      rateLimit: { units: 20, per: 'second', burst: 40 },
    }),
  },
  { method: 'PUT', path: (n) => `/v1/accounts/${n}/alerts`, body: () => ({ creditsBelow: 5 }) },
  // Port 9 (discard) refuses: alerts delivered there fail and are retried, beside the fuzzing.
  { method: 'POST', path: () => '/v1/webhooks', body: (n) => ({ url: `http://127.0.0.1:9/${n}`, description: n }) },
  { method: 'GET', path: () => '/v1/webhooks' },
  { method: 'DELETE', path: (n) => `/v1/webhooks/${n}` },
  { method: 'GET', path: (n) => `/v1/webhooks/${n}/deliveries`, query: ['limit'] },
  { method: 'PATCH', path: (n) => `/v1/accounts/${n}/quotas/geocoding`, body: () => ({ limit: null, enforcement: 'soft' }) },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/quotas`, query: ['asOf'] },
  { method: 'GET', path: (n) => `/v1/accounts/acme/quotas/${n}`, query: ['asOf'] },
  { method: 'POST', path: (n) => `/v1/accounts/${n}/credits`, body: () => ({ amount: 5, reason: 'r', id: 'g' }) },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/credits`, query: ['asOf'] },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/usage`, query: ['from', 'to', 'groupBy'] },
  { method: 'GET', path: () => '/v1/billing', query: ['month', 'account'] },
  { method: 'GET', path: (n) => `/v1/accounts/${n}/decisions`, query: ['limit', 'before'] },
  { method: 'GET', path: () => '/healthz' },
  { method: 'GET', path: () => '/readyz' },
  { method: 'GET', path: () => '/metrics' },
];

/** Media types sent, JSON or not. */
export const CONTENT_TYPES = [
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
export function mutate(document: unknown, pick: number, value: unknown, addKey: string | null): unknown {
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
