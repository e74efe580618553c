import { decodeLedgerCursor, encodeLedgerCursor } from './ledger-cursor';

const cursorOf = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const position = { account: 'acme', at: '2026-12-01T10:00:00.000Z', stream: 'account-acme', revision: '42', seq: 3 };

describe('the credit ledger cursor', () => {
  it('gives back the position it was made of, at the ends of the columns included', () => {
    expect(decodeLedgerCursor(encodeLedgerCursor(position))).toEqual(position);
    const widest = { ...position, revision: '9223372036854775807', seq: 2_147_483_647 };
    expect(decodeLedgerCursor(encodeLedgerCursor(widest))).toEqual(widest);
  });

  // Each of these reached the page query and failed there: a 500 instead of a 400 naming `after`.
  it('refuses a revision past bigint, a seq past int and a stream with a control character', () => {
    const { account, at, stream } = position;
    expect(decodeLedgerCursor(cursorOf([account, at, stream, '9999999999999999999', 1]))).toBeNull();
    expect(decodeLedgerCursor(cursorOf([account, at, stream, '1', 2_147_483_648]))).toBeNull();
    expect(decodeLedgerCursor(cursorOf([account, at, stream, '1', -1]))).toBeNull();
    expect(decodeLedgerCursor(cursorOf([account, at, 's\u0000x', '1', 1]))).toBeNull();
    expect(decodeLedgerCursor(cursorOf([account, at, '', '1', 1]))).toBeNull();
  });
});
