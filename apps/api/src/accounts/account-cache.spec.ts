import { RECENT_IDS, fold, initialState, type Account } from '@tally/domain';
import type { AccountEvent } from '@tally/events';
import { AccountCache, MIN_RECENT_BYTES } from './account-cache';

/** The state of an account that decided `n` usages, ids u-0 …: its window full up to RECENT_IDS. */
function busy(n: number): Account {
  const events = Array.from({ length: n }, (_, i): AccountEvent => ({
    type: 'UsageRejected',
    data: {
      account: 'a',
      subject: 'a',
      source: 's',
      id: `u-${i}`,
      meter: 'm',
      quantity: 1,
      time: '2026-11-10T00:00:00.000Z',
      month: '2026-11',
      decidedAt: '2026-11-10T00:00:00.000Z',
      reason: 'QUOTA_EXCEEDED',
      limit: 0,
      usage: 0,
      remaining: 0,
      overage: 0,
      reportedBy: null,
    },
  }));
  return fold(events, initialState());
}

const MiB = 1024 * 1024;
const cachedBytes = (cache: AccountCache<{ state: Account }>, accounts: string[]): number =>
  accounts.reduce((sum, a) => sum + (cache.get(a)?.state.decisions.bytes ?? 0), 0);

describe('AccountCache: one budget of recent ids shared by the cached accounts', () => {
  it('lets one hot account keep the whole window', () => {
    const cache = new AccountCache<{ state: Account }>(100, 32 * MiB);
    cache.set('hot', { state: busy(RECENT_IDS + 10) });
    expect(cache.get('hot')?.state.decisions.size).toBe(RECENT_IDS);
  });

  it('shrinks every cached window as more accounts share the budget, the total staying within 5/4 of it', () => {
    const budget = 2 * MiB;
    const cache = new AccountCache<{ state: Account }>(1000, budget);
    const state = busy(300);
    const accounts = Array.from({ length: 200 }, (_, i) => `acct-${i}`);
    for (const account of accounts) cache.set(account, { state });
    expect(state.decisions.bytes * 200).toBeGreaterThan(budget);
    expect(cache.share).toBe(Math.floor(budget / 2 / 200));
    expect(cachedBytes(cache, accounts)).toBeLessThanOrEqual((budget / 2) * 1.25);
    // The account cached first was trimmed too, not only the last ones.
    expect(cache.get('acct-0')?.state.decisions.bytes).toBeLessThanOrEqual(cache.share * 1.25);
    expect(cache.get('acct-0')?.state.decisions.size).toBeGreaterThan(0);
  });

  it('never cuts a window below the minimum, however many accounts', () => {
    const cache = new AccountCache<{ state: Account }>(1000, 64 * 1024);
    for (let i = 0; i < 50; i++) cache.set(`acct-${i}`, { state: busy(40) });
    expect(cache.share).toBe(MIN_RECENT_BYTES);
    const last = cache.get('acct-49')?.state.decisions;
    expect(last?.bytes).toBeLessThanOrEqual(MIN_RECENT_BYTES);
    expect(last?.size).toBeGreaterThanOrEqual(2);
  });

  it('grows the share back when accounts leave the cache', () => {
    const cache = new AccountCache<{ state: Account }>(2, MiB);
    cache.set('a', { state: busy(10) });
    cache.set('b', { state: busy(10) });
    expect(cache.share).toBe(MiB / 4);
    cache.delete('a');
    expect(cache.share).toBe(MiB / 2);
  });
});
