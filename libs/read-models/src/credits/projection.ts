import type { CreditTotals } from '@tally/events';
import { projection } from '../projection';

/** Each account's wallet: balance, granted and spent. */
export const credits = projection<CreditTotals>({
  name: 'credits_v1',
  keys: ['account'],
  keysOf: (e) =>
    e.type === 'UsageAccepted' || e.type === 'UsageReversed'
      ? // A tree member's credits are its root's (docs/contract.md §2.7).
        [[e.data.payer ?? e.data.account]]
      : e.type === 'CreditsGranted' || e.type === 'PeriodOpened'
        ? [[e.data.account]]
        : [],
  evolve: (doc, e) => {
    const row = doc ?? { balance: 0, granted: 0, spent: 0 };
    switch (e.type) {
      case 'PeriodOpened':
        // An account exists from its first period on, even with an empty wallet.
        return row;
      case 'CreditsGranted':
        return { ...row, balance: row.balance + e.data.amount, granted: row.granted + e.data.amount };
      case 'UsageAccepted':
        return { ...row, balance: row.balance - e.data.creditsCharged, spent: row.spent + e.data.creditsCharged };
      case 'UsageReversed':
        return { ...row, balance: row.balance + e.data.creditsRefunded, spent: row.spent - e.data.creditsRefunded };
      default:
        return doc;
    }
  },
});
