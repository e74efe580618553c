import { DomainError } from '@tally/domain';
import { EventRejectedError } from '@tally/eventstore';
import { classify, isProgrammingError } from './failures';

describe('sorting a failure to decide a Kafka message', () => {
  it('dead-letters what the store refused for its data, naming the SQLSTATE', () => {
    const refused = classify(new EventRejectedError('account-a/2026-11', 'unsupported Unicode escape sequence', '22P05'));
    expect(refused).toMatchObject({ retry: false, code: 'STORE_REFUSED' });
    expect(refused.retry === false && refused.detail).toMatch(/SQLSTATE 22P05/);
  });

  it('dead-letters a raw data exception from the database client too', () => {
    expect(classify(Object.assign(new Error('value too long'), { code: '54000' }))).toMatchObject({ code: 'STORE_REFUSED' });
  });

  it('dead-letters a message the rules refuse (a domain error)', () => {
    expect(classify(new DomainError('CREDITS_OVERFLOW', 'too large'))).toMatchObject({ retry: false, code: 'DECIDE_FAILED' });
  });

  it("retries a programming error (TypeError, RangeError from Tally's code): not the message's fault", () => {
    for (const fault of [new TypeError('x is not a function'), new RangeError('Invalid time value')]) {
      expect(classify(fault)).toEqual({ retry: true });
      expect(isProgrammingError(fault)).toBe(true);
    }
    expect(isProgrammingError(new DomainError('CREDITS_OVERFLOW', 'too large'))).toBe(false);
  });

  it('retries what may pass later: a lost connection, an administrator shutdown, a concurrent append', () => {
    expect(classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ retry: true });
    expect(classify(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toEqual({ retry: true });
    expect(classify(Object.assign(new Error('duplicate key'), { code: '23505' }))).toEqual({ retry: true });
  });
});
