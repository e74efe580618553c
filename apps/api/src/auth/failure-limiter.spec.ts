import { clientKey } from './client-address';
import { FailureLimiter } from './failure-limiter';

describe('failed authentications limited per client', () => {
  it('limits a client after its burst, for as long as one failure takes to refill, and no other client', () => {
    const limiter = new FailureLimiter({ burst: 3, perMinute: 6 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a', 0)).toBe(0);
      limiter.fail('a', 0);
    }
    expect(limiter.retryAfter('a', 0)).toBe(10);
    expect(limiter.retryAfter('a', 4000)).toBe(6);
    expect(limiter.retryAfter('b', 0)).toBe(0);
    expect(limiter.retryAfter('a', 10_000)).toBe(0);
    limiter.fail('a', 10_000);
    expect(limiter.retryAfter('a', 10_000)).toBe(10);
  });

  it('forgets a client once its allowance has refilled', () => {
    const limiter = new FailureLimiter({ burst: 2, perMinute: 60 });
    limiter.fail('a', 0);
    expect(limiter.size).toBe(1);
    expect(limiter.retryAfter('a', 1000)).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('remembers at most maxClients, forgetting the least recently failing first', () => {
    const limiter = new FailureLimiter({ burst: 1, perMinute: 1, maxClients: 100 });
    limiter.fail('guesser', 0);
    for (let i = 0; i < 10_000; i++) {
      limiter.fail(`10.0.${i >> 8}.${i & 255}`, i);
      if (i % 10 === 0) limiter.fail('guesser', i);
    }
    expect(limiter.size).toBe(100);
    expect(limiter.retryAfter('guesser', 10_000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('10.0.0.0', 10_000)).toBe(0);
  });

  it('counts an IPv6 client per /64, an IPv4 one per address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('127.0.0.1')).toBe('127.0.0.1');
  });
});
