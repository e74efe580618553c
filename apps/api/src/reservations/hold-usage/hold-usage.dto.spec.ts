import type { Problem } from '../../http/problem';
import { parseHoldRequest } from './hold-usage.dto';

const event = (data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: 'job-1',
  source: 'renderer',
  type: 'metering.usage.v1',
  subject: 'alice',
  data: { meter: 'render', quantity: 5, ...data },
});

function refusal(input: unknown): NonNullable<Problem['errors']> {
  try {
    parseHoldRequest(input);
  } catch (error) {
    return (error as Problem).errors ?? [];
  }
  throw new Error('accepted');
}

describe('parseHoldRequest', () => {
  it('takes ttlSeconds out of data, and holds for 5 minutes without it', () => {
    expect(parseHoldRequest(event({ ttlSeconds: 60 }))).toMatchObject({
      ttlSeconds: 60,
      usage: { meter: 'render', quantity: 5 },
    });
    expect(parseHoldRequest(event({})).ttlSeconds).toBe(300);
    expect(parseHoldRequest(event({ ttlSeconds: 1 })).ttlSeconds).toBe(1);
    expect(parseHoldRequest(event({ ttlSeconds: 3600 })).ttlSeconds).toBe(3600);
  });

  it.each([0, 3601, 2.5, '60', null, -1])('refuses ttlSeconds %j, naming data.ttlSeconds', (ttlSeconds) => {
    expect(refusal(event({ ttlSeconds }))).toEqual([
      { field: 'data.ttlSeconds', reason: 'ttlSeconds must be an integer from 1 to 3600' },
    ]);
  });

  it('reports usage errors and the ttl together, and still refuses other unknown data fields', () => {
    expect(refusal(event({ quantity: 0, ttlSeconds: 0 })).map((e) => e.field)).toEqual(['data.quantity', 'data.ttlSeconds']);
    expect(refusal(event({ ttlSeconds: 5, colour: 'red' })).map((e) => e.field)).toContain('data.colour');
  });

  it('keeps a __proto__ member of data a member, for the usage rules to refuse', () => {
    const data = JSON.parse('{"meter":"render","quantity":5,"ttlSeconds":5,"__proto__":{"x":1}}');
    expect(refusal({ ...event({}), data }).length).toBeGreaterThan(0);
  });
});
