import { MAX_RETRY_DELAY_MS, RETRY_FOR_MS, retryDelay, webhookPayload } from './webhook-outbox';

describe('webhook retries', () => {
  it('wait the base, then double after each failure, never more than an hour apart', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 5000))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(retryDelay(12, 5000)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelay(500, 5000)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('with the default base, keep trying through the 24 hours (about thirty attempts)', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed <= RETRY_FOR_MS) elapsed += retryDelay(++attempts, 5000);
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(40);
  });
});

describe('the webhook body', () => {
  it('is the Standard Webhooks shape {type, timestamp, data}', () => {
    const alert = {
      id: 'alrt_1',
      account: 'acme',
      kind: 'credits.low' as const,
      threshold: 5,
      balance: 4,
      raisedAt: '2026-11-22T10:00:00.000Z',
    };
    expect(JSON.parse(webhookPayload(alert))).toEqual({ type: 'credits.low', timestamp: alert.raisedAt, data: alert });
  });
});
