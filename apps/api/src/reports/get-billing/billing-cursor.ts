import { NAME_PATTERN } from '@tally/events';
import type { BillingPosition } from '@tally/read-models';

// A month, or an interval of two ISO instants.
const PERIOD_KEY = /^\d{4}-\d{2}(-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)?$/;

// The cursor is the last line's (account, meter, period), base64url-encoded JSON: opaque to
// clients, who pass back what a `Link: rel="next"` header gave them. A cursor of an older release
// names no period: it continues after every line of its account × meter.

/** The cursor that continues after a position (a line's, see `billingPeriodKey`). */
export function encodeBillingCursor(position: BillingPosition): string {
  const { account, meter, period } = position;
  return Buffer.from(JSON.stringify(period === undefined ? [account, meter] : [account, meter, period])).toString('base64url');
}

/** The position a cursor names, or null if it is not one this service made. */
export function decodeBillingCursor(cursor: string): BillingPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) return null;
    const [account, meter, period] = value as unknown[];
    if (typeof account !== 'string' || typeof meter !== 'string') return null;
    if (!NAME_PATTERN.test(account) || !NAME_PATTERN.test(meter)) return null;
    if (period === undefined) return { account, meter };
    if (typeof period !== 'string' || !PERIOD_KEY.test(period)) return null;
    return { account, meter, period };
  } catch {
    return null;
  }
}
