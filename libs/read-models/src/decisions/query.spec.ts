import { olderThan } from './query';

const MAX = '9223372036854775807';
const n = (value: string | number) => String(value).padStart(20, '0');

describe('the decision log cursor (before=) as a bound on the position columns', () => {
  it('keeps, for a position of two numbers, the entries below it', () => {
    expect(olderThan(`${n(757)}:${n(12)}`)).toEqual(['757', '12']);
  });

  it('keeps, for one number, the entries whose first number is below it', () => {
    expect(olderThan(n(757))).toEqual(['757', '-1']);
  });

  it('keeps, for three or four numbers, the entries at or below the first two (their text is a prefix of it)', () => {
    expect(olderThan(`${n(757)}:${n(12)}:${n(0)}`)).toEqual(['757', '13']);
    expect(olderThan(`${n(757)}:${n(12)}:${n(0)}:${n(5)}`)).toEqual(['757', '13']);
  });

  it('bounds nothing beyond the largest bigint, and carries a second number beyond it into the first', () => {
    expect(olderThan('9'.repeat(20))).toBeNull();
    expect(olderThan(`${'9'.repeat(20)}:${n(1)}`)).toBeNull();
    expect(olderThan(`${n(757)}:${'9'.repeat(20)}`)).toEqual(['758', '-1']);
    expect(olderThan(`${n(757)}:${MAX.padStart(20, '0')}:${n(0)}`)).toEqual(['758', '-1']);
    expect(olderThan(`${MAX.padStart(20, '0')}:${'9'.repeat(20)}`)).toBeNull();
  });
});
