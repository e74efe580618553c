import type { IncomingMessage } from 'node:http';
import { loggableUrl, newRequestId, type LoggedRequest } from './logger';

const TOKEN = 'tly_Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWo';
const request = (url: string, authenticated = false) => ({ url, ...(authenticated ? { apiKey: {} } : {}) }) as LoggedRequest;

describe('what the request log writes of a URL', () => {
  it.each([
    [`/v1/meters?q=${TOKEN}`, '/v1/meters?q=[redacted]'],
    [`/v1/meters?x=1&${TOKEN}=1`, '/v1/meters?x=[redacted]&[redacted]'],
    ['/v1/billing?month=2026-11&account=acme&limit=5', '/v1/billing?month=2026-11&account=acme&limit=5'],
    [`/v1/accounts/${TOKEN}/quotas`, '/v1/accounts/*/quotas'],
    [`/v1/${TOKEN}`, '/v1/*'],
    ['/v1/accounts/acme-42/quotas/geocoding', '/v1/accounts/*/quotas/geocoding'],
  ])('of a request without a key, %s as %s', (url, logged) => {
    expect(loggableUrl(request(url))).toBe(logged);
  });

  it('keeps the path of an authenticated request, never the values of parameters that are not Tally’s', () => {
    expect(loggableUrl(request(`/v1/accounts/acme-42/quotas?sig=${TOKEN}&asOf=2026-11-01T00:00:00Z`, true))).toBe(
      '/v1/accounts/acme-42/quotas?sig=[redacted]&asOf=2026-11-01T00:00:00Z',
    );
  });
});

describe('the request id', () => {
  const idOf = (given: string) => newRequestId({ headers: { 'x-request-id': given } } as unknown as IncomingMessage);

  it('keeps a UUID or 16 to 32 hex digits, and replaces anything else (a token sent there included)', () => {
    expect(idOf('5bcfab28-233a-4f61-91b0-f4fcd8118184')).toBe('5bcfab28-233a-4f61-91b0-f4fcd8118184');
    expect(idOf('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    for (const given of [TOKEN, 'req-1', '0123456789abcdef'.repeat(4)]) expect(idOf(given)).not.toBe(given);
  });
});
