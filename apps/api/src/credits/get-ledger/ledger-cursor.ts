import { NAME_PATTERN } from '@tally/events';
import { isText } from '@tally/messages';
import type { LedgerPosition } from '@tally/read-models';

// The cursor is the last row's place, base64url-encoded JSON: opaque to clients, who pass back
// what a `Link: rel="next"` header gave them. A decoded cursor is bound into the page query as
// it is, so each part must fit its column (revision bigint, seq int, stream text without NUL):
// one that does not is not a cursor of ours (400), never a database error (500).

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const MAX_INT = 2_147_483_647;

export function encodeLedgerCursor(p: LedgerPosition): string {
  return Buffer.from(JSON.stringify([p.account, p.at, p.stream, p.revision, p.seq])).toString('base64url');
}

/** The position a cursor names, or null if it is not one this service made. */
export function decodeLedgerCursor(cursor: string): LedgerPosition | null {
  if (!/^[A-Za-z0-9_-]{1,1200}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 5) return null;
    const [account, at, stream, revision, seq] = value as unknown[];
    if (typeof account !== 'string' || !NAME_PATTERN.test(account)) return null;
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !isText(stream, 1, 400)) return null;
    if (typeof revision !== 'string' || !/^[0-9]{1,19}$/.test(revision) || BigInt(revision) > MAX_BIGINT) return null;
    if (!Number.isInteger(seq) || (seq as number) < 0 || (seq as number) > MAX_INT) return null;
    return { account, at, stream, revision, seq: seq as number };
  } catch {
    return null;
  }
}
