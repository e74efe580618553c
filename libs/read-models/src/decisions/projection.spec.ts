import { accepted, rejected, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { decisions } from './projection';

describe('decisions projection', () => {
  it('logs each decision by account, source and id, in an order that sorts as text', () => {
    const rows = rowsOf(decisions, [accepted({ id: 'a', quantity: 3 }), rejected({ id: 'b' })]);
    expect(rows['acme|svc|a']).toMatchObject({ decision: 'accepted', quantity: 3, reportedBy: 'kafka', reversedAt: null });
    expect(rows['acme|svc|b']).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED' });
    expect(rows['acme|svc|a'].seq < rows['acme|svc|b'].seq).toBe(true);
    expect(rows['acme|svc|a'].seq).toBe(`${'0'.padStart(20, '0')}/${'1'.padStart(20, '0')}`);
  });

  it('marks a reversed decision, and ignores a reversal of a decision it never saw', () => {
    const rows = rowsOf(decisions, [
      accepted({ id: 'a' }),
      reversed({ id: 'a' }, 0, '2026-11-06T00:00:00.000Z'),
      reversed({ id: 'ghost' }),
    ]);
    expect(rows['acme|svc|a']).toMatchObject({ reversedAt: '2026-11-06T00:00:00.000Z', reversalReason: 'duplicate' });
    expect(rows['acme|svc|ghost']).toBeUndefined();
  });
});
