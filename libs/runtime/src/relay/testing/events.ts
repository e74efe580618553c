import { serialize, type StoredEvent } from '@tally/events';

/** A stored event that is neither a decision nor an alert: 5 credits granted to `acme` at `at`. */
export function storedGrant(at: string): StoredEvent {
  return serialize({
    type: 'CreditsGranted',
    data: {
      account: 'acme',
      amount: 5,
      reason: null,
      grantId: 'g',
      priority: 50,
      effectiveAt: at,
      expiresAt: null,
      balance: 5,
      at,
    },
  });
}
