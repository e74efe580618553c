import { RestartPolicy } from './restart-policy';

describe('restarting a crashed consumer', () => {
  const options = { maxRestarts: 3, windowMs: 60_000, baseDelayMs: 1000, maxDelayMs: 3000 };

  it('backs off exponentially up to the cap, then gives up after too many restarts in the window', () => {
    let now = 0;
    const policy = new RestartPolicy(options, () => now);
    const delays = [1, 2, 3, 4].map(() => {
      now += 100;
      return policy.next();
    });
    expect(delays).toEqual([1000, 2000, 3000, null]);
  });

  it('forgets restarts older than the window, so a rare crash never exits the process', () => {
    let now = 0;
    const policy = new RestartPolicy(options, () => now);
    for (let i = 0; i < 10; i++) {
      now += 61_000;
      expect(policy.next()).toBe(1000);
    }
  });
});
