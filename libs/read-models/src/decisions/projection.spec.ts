import { accepted, ended, held, rejected, reversed } from '../testing/events';
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

describe('decisions projection: reservations', () => {
  it('logs a hold as an accepted decision with its reservation note, and how it ended', () => {
    const rows = rowsOf(decisions, [held('h1', 4), held('h2', 3), held('h3', 1), ended('h2', null)]);
    expect(rows['acme|svc|h1']).toMatchObject({
      decision: 'accepted',
      quantity: 4,
      reservation: { held: 4, expiresAt: '2026-11-05T00:05:00.000Z', status: 'held' },
    });
    expect(rows['acme|svc|h2']).toMatchObject({ reservation: { held: 3, status: 'released' } });
  });

  it("lets a commit's accepted usage take the hold's entry over, keeping the note", () => {
    const rows = rowsOf(decisions, [held('h1', 4), ended('h1', 2), accepted({ id: 'h1', quantity: 2 })]);
    expect(rows['acme|svc|h1']).toMatchObject({
      decision: 'accepted',
      quantity: 2,
      reservation: { held: 4, status: 'committed' },
    });
    expect(rowsOf(decisions, [accepted({ id: 'u' })])['acme|svc|u'].reservation).toBeNull();
  });
});
