import { accepted, ended, held, rejected, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { decisions, positionOf, type DecisionDoc } from './projection';

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
  const KEY = ['svc', 'a', 'acme'];
  // As the table gives a row back: every column value as text, the document parsed from JSON.
  const stored = (doc: DecisionDoc) => {
    const { values, stored: kept } = row.toRow(doc, KEY);
    return {
      values: values.map((v) => (v === null ? null : String(v))),
      stored: kept === null ? null : JSON.parse(JSON.stringify(kept)),
    };
  };
  const roundTrip = (doc: DecisionDoc) => {
    const { values, stored: kept } = stored(doc);
    return row.fromRow(values, kept, KEY);
  };

  it('keeps a plain decision in its columns, the subject null when it is the account, and no document', () => {
    const doc = rowsOf(decisions, [accepted({ id: 'a', quantity: 3, subject: 'acme' })])['svc|a|acme'];
    const { values, stored: kept } = stored(doc);
    expect(values).toEqual(['0', '1', null, 'geo', '3', null, '0', '0', null, null, '2026-11-05T00:00:00.000Z', 'kafka']);
    expect(kept).toBeNull();
    expect(roundTrip(doc)).toEqual(doc);
  });

  it("keeps a rejection's reason and another subject in their columns", () => {
    const doc = rowsOf(decisions, [rejected({ id: 'a', usage: 40, limit: 40, remaining: 0 })])['svc|a|acme'];
    const { values, stored: kept } = stored(doc);
    expect(values).toEqual([
      '0',
      '1',
      'alice',
      'geo',
      '1',
      'QUOTA_EXCEEDED',
      '0',
      '40',
      '40',
      '0',
      '2026-11-05T00:00:00.000Z',
      'kafka',
    ]);
    expect(kept).toBeNull();
    expect(roundTrip(doc)).toEqual(doc);
  });

  it('puts a reversed hold back together with its notes, kept in the document', () => {
    const doc = rowsOf(decisions, [held('a', 4), reversed({ id: 'a' }, 0, '2026-11-06T00:00:00.000Z')])['svc|a|acme'];
    const positioned = { ...doc, seq: positionOf('757', '12') };
    const { values, stored: kept } = stored(positioned);
    expect(values.slice(0, 2)).toEqual(['757', '12']);
    expect(kept).toEqual({
      reversedAt: '2026-11-06T00:00:00.000Z',
      reversalReason: 'duplicate',
      reservation: { held: 4, expiresAt: '2026-11-05T00:05:00.000Z', status: 'held' },
    });
    expect(roundTrip(positioned)).toEqual({ ...doc, seq: '00000000000000000757:00000000000000000012' });
  });

  it("keeps a multi-item decision's lines, its wait and its attributes in the document", () => {
    const items = [
      { meter: 'geo', quantity: 2, usage: 2, limit: null, remaining: null, overage: 0 },
      { meter: 'ocr', quantity: 1, usage: 5, limit: 10, remaining: 5, overage: 0 },
    ];
    const doc: DecisionDoc = {
      ...rowsOf(decisions, [rejected({ id: 'a', reportedBy: null })])['svc|a|acme'],
      reason: 'RATE_LIMITED',
      limitedBy: 'parent',
      retryAfterMs: 1500,
      items,
      datacontenttype: 'application/json',
      extensions: { traceparent: '00-abc' },
    };
    const { values, stored: kept } = stored(doc);
    expect(values[11]).toBeNull();
    expect(kept).toEqual({
      limitedBy: 'parent',
      retryAfterMs: 1500,
      items,
      datacontenttype: 'application/json',
      extensions: { traceparent: '00-abc' },
    });
    expect(roundTrip(doc)).toEqual(doc);
  });

  it('keeps a decision whose numbers a bigint cannot hold exactly whole in the document, as v3 did', () => {
    const doc = rowsOf(decisions, [accepted({ id: 'a', quantity: 1.5, usage: 2 ** 60 })])['svc|a|acme'];
    const { values, stored: kept } = stored(doc);
    expect(values).toEqual(['0', '1', null, null, null, null, null, null, null, null, '2026-11-05T00:00:00.000Z', null]);
    expect(kept).toMatchObject({ subject: 'alice', meter: 'geo', quantity: 1.5, usage: 2 ** 60, decision: 'accepted' });
    expect(roundTrip(doc)).toEqual(doc);
  });
});
