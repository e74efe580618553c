import { DomainError } from '@tally/domain';
import { EventRejectedError } from '@tally/eventstore';
import { classify } from './failures';

describe('sorting a failure to decide a Kafka message', () => {
  it('dead-letters what the store refused for its data, naming the SQLSTATE', () => {
    const refused = classify(new EventRejectedError('account-a/2026-11', 'unsupported Unicode escape sequence', '22P05'));
    expect(refused).toMatchObject({ retry: false, code: 'STORE_REFUSED' });
    expect(refused.retry === false && refused.detail).toMatch(/SQLSTATE 22P05/);
  });

  it('dead-letters a raw data exception from the database client too', () => {
    expect(classify(Object.assign(new Error('value too long'), { code: '54000' }))).toMatchObject({ code: 'STORE_REFUSED' });
  });

  it("dead-letters our own code tripping over the message's values", () => {
    expect(classify(new RangeError('Invalid time value'))).toMatchObject({ retry: false, code: 'DECIDE_FAILED' });
    expect(classify(new DomainError('CREDITS_OVERFLOW', 'too large'))).toMatchObject({ code: 'DECIDE_FAILED' });
  });

  it('retries what may pass later: a lost connection, an administrator shutdown, a concurrent append', () => {
    expect(classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ retry: true });
    expect(classify(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toEqual({ retry: true });
    expect(classify(Object.assign(new Error('duplicate key'), { code: '23505' }))).toEqual({ retry: true });
  });
});
