import { accepted, ended, held, rejected, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { decisions, positionOf } from './projection';

describe('decisions projection', () => {
  it('logs each decision by account, source and id, in an order that sorts as text', () => {
    const rows = rowsOf(decisions, [accepted({ id: 'a', quantity: 3 }), rejected({ id: 'b' })]);
    expect(rows['svc|a|acme']).toMatchObject({ decision: 'accepted', quantity: 3, reportedBy: 'kafka', reversedAt: null });
    expect(rows['svc|b|acme']).toMatchObject({ decision: 'rejected', reason: 'QUOTA_EXCEEDED' });
    expect(rows['svc|a|acme'].seq < rows['svc|b|acme'].seq).toBe(true);
    expect(rows['svc|a|acme'].seq).toBe(`${'0'.padStart(20, '0')}:${'1'.padStart(20, '0')}`);
  });

  it('marks a reversed decision, and ignores a reversal of a decision it never saw', () => {
    const rows = rowsOf(decisions, [
      accepted({ id: 'a' }),
      reversed({ id: 'a' }, 0, '2026-11-06T00:00:00.000Z'),
      reversed({ id: 'ghost' }),
    ]);
    expect(rows['svc|a|acme']).toMatchObject({ reversedAt: '2026-11-06T00:00:00.000Z', reversalReason: 'duplicate' });
    expect(rows['svc|ghost|acme']).toBeUndefined();
  });
});

describe('decisions projection: reservations', () => {
  it('logs a hold as an accepted decision with its reservation note, and how it ended', () => {
    const rows = rowsOf(decisions, [held('h1', 4), held('h2', 3), held('h3', 1), ended('h2', null)]);
    expect(rows['svc|h1|acme']).toMatchObject({
      decision: 'accepted',
      quantity: 4,
      reservation: { held: 4, expiresAt: '2026-11-05T00:05:00.000Z', status: 'held' },
    });
    expect(rows['svc|h2|acme']).toMatchObject({ reservation: { held: 3, status: 'released' } });
  });

  it("lets a commit's accepted usage take the hold's entry over, keeping the note", () => {
    const rows = rowsOf(decisions, [held('h1', 4), ended('h1', 2), accepted({ id: 'h1', quantity: 2 })]);
    expect(rows['svc|h1|acme']).toMatchObject({
      decision: 'accepted',
      quantity: 2,
      reservation: { held: 4, status: 'committed' },
    });
    expect(rowsOf(decisions, [accepted({ id: 'u' })])['svc|u|acme'].reservation).toBeNull();
  });
});

describe('decisions projection: its row', () => {
  const row = decisions.row as NonNullable<typeof decisions.row>;

  it('stores the position as its two numbers and the document without its key, position and empty notes', () => {
    const doc = rowsOf(decisions, [accepted({ id: 'a', quantity: 3 })])['svc|a|acme'];
    const { values, stored } = row.toRow(doc, ['svc', 'a', 'acme']);
    expect(values).toEqual(['0', '1']);
    expect(Object.keys(stored as object)).toEqual(
      expect.not.arrayContaining(['id', 'source', 'account', 'seq', 'reversedAt', 'reversalReason', 'reservation']),
    );
    expect(row.fromRow(values, stored, ['svc', 'a', 'acme'])).toEqual(doc);
  });

  it('puts a reversed hold back together with its notes', () => {
    const doc = rowsOf(decisions, [held('h1', 4), reversed({ id: 'h1' }, 0, '2026-11-06T00:00:00.000Z')])['svc|h1|acme'];
    const { values, stored } = row.toRow({ ...doc, seq: positionOf('757', '12') }, ['svc', 'h1', 'acme']);
    expect(values).toEqual(['757', '12']);
    expect(row.fromRow(values, JSON.parse(JSON.stringify(stored)), ['svc', 'h1', 'acme'])).toEqual({
      ...doc,
      seq: '00000000000000000757:00000000000000000012',
    });
  });
});
