import { NAME_PATTERN } from '@tally/events';
import type { BillingPosition } from '@tally/read-models';

// The cursor is the last line's (account, meter), base64url-encoded JSON: opaque to clients,
// who pass back what a `Link: rel="next"` header gave them.

export function encodeBillingCursor(position: BillingPosition): string {
  return Buffer.from(JSON.stringify([position.account, position.meter])).toString('base64url');
}

/** The position a cursor names, or null if it is not one this service made. */
export function decodeBillingCursor(cursor: string): BillingPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [account, meter] = value as unknown[];
    if (typeof account !== 'string' || typeof meter !== 'string') return null;
    if (!NAME_PATTERN.test(account) || !NAME_PATTERN.test(meter)) return null;
    return { account, meter };
  } catch {
    return null;
  }
}
