import { Clock } from './clock';

describe('Clock', () => {
  afterEach(() => jest.restoreAllMocks());

  it('spells every millisecond as Date does, the same string again within one millisecond and a new one after', () => {
    const clock = new Clock();
    const now = jest.spyOn(Date, 'now');
    const start = Date.UTC(2026, 11, 31, 23, 59, 59, 998);
    for (const ms of [start, start, start + 1, start + 2, start + 2, start - 5, 0, start]) {
      now.mockReturnValue(ms);
      expect(clock.now()).toBe(new Date(ms).toISOString());
    }
    now.mockReturnValue(start);
    const first = clock.now();
    expect(new Clock().now()).toBe(first);
  });
});
