import Big from 'big.js';
import type { QuotaTerms } from '@tally/events';

/** The billing terms of a quota; what finance needs from it. */
export type BillingTerms = Pick<QuotaTerms, 'blockSize' | 'blockPrice' | 'includedUnits' | 'currency'>;

/**
 * One account × meter × month on the bill; for a quota counted in days, weeks, years or anchored
 * months, one such period (which starts in `month`), named by its bounds.
 */
export interface BillingLine {
  account: string;
  meter: string;
  month: string;
  /** First instant of the period billed, for a period other than the calendar month. */
  periodStart?: string;
  /** First instant after it. */
  periodEnd?: string;
  units: number;
  billableUnits: number;
  blocks: number;
  blockSize: number;
  blockPrice: string;
  /** blocks × blockPrice, exact, rounded half-up to cents. */
  amount: string;
  currency: string;
}

/** docs/contract.md §3.3 (billing): included units are free, the rest is sold in whole blocks. */
export function billingLine(
  key: Pick<BillingLine, 'account' | 'meter' | 'month' | 'periodStart' | 'periodEnd'>,
  units: number,
  terms: BillingTerms,
): BillingLine {
  const billableUnits = Math.max(0, units - terms.includedUnits);
  const blocks = Math.ceil(billableUnits / terms.blockSize);
  return {
    ...key,
    units,
    billableUnits,
    blocks,
    blockSize: terms.blockSize,
    blockPrice: terms.blockPrice,
    amount: new Big(terms.blockPrice).times(blocks).toFixed(2, Big.roundHalfUp),
    currency: terms.currency,
  };
}
