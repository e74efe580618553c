import { compareCheckpoints, decodeCheckpoint, encodeCheckpoint } from './checkpoint';

describe('the checkpoint codec both event stores share', () => {
  it('reads back the two numbers it wrote, beyond 2^53', () => {
    const big = 2n ** 63n - 1n;
    expect(decodeCheckpoint(encodeCheckpoint(big, 7n), 'a test')).toEqual([big, 7n]);
    expect(decodeCheckpoint(encodeCheckpoint('12', '0'), 'a test')).toEqual([12n, 0n]);
  });

  it('orders by the first number, then the second, as numbers and not as text', () => {
    expect(compareCheckpoints('10:5', '9:99', 'a test')).toBe(1);
    expect(compareCheckpoints('10:5', '10:6', 'a test')).toBe(-1);
    expect(compareCheckpoints('10:5', '10:5', 'a test')).toBe(0);
  });

  it('names the store whose checkpoint it expected when one is malformed', () => {
    expect(() => decodeCheckpoint('10', 'a SQL event-store')).toThrow('not a SQL event-store checkpoint: 10');
    expect(() => compareCheckpoints('1:1', '1:x', 'an EventStoreDB')).toThrow('not an EventStoreDB checkpoint: 1:x');
  });
});
