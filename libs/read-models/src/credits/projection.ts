import { earmarksJson, evolveWallet, walletFrom, walletJson, type EarmarkJson, type Wallet } from '@tally/domain';
import type { CarriedAllowance, CarriedGrant, CreditTotals, TallyEvent } from '@tally/events';
import { projection } from '../projection';

/** An account's wallet as its row holds it: the recorded totals, its grants, its allowance and what open holds earmarked. */
export type WalletDoc = CreditTotals & {
  grants: CarriedGrant[];
  allowance: CarriedAllowance | null;
  earmarks?: EarmarkJson[];
};

const MOVES_CREDITS = new Set<TallyEvent['type']>([
  'PeriodOpened',
  'CreditsGranted',
  'UsageAccepted',
  'UsageReversed',
  'CreditsExpired',
  'GrantVoided',
  'AllowanceSet',
  'AllowanceRemoved',
  'UsageHeld',
  'HoldReleased',
]);

/** The wallet of a row (or an empty one). */
export function walletOfDoc(doc: WalletDoc | null): Wallet {
  const empty: WalletDoc = { balance: 0, granted: 0, spent: 0, expired: 0, voided: 0, grants: [], allowance: null };
  const { grants, allowance, earmarks = [], ...credits } = doc ?? empty;
  return walletFrom({ credits, grants, allowance, earmarks });
}

/**
 * The SQL of a wallet's earliest ending (`doc` a column of `table`): the first `expiresAt` among
 * its grants with credits left, or -infinity when an ended grant still keeps some (for open
 * holds); null when nothing can leave. What the ledger's scan for due movements compares with
 * its instant, along the index on it.
 */
export const dueFrom = (table: string, doc: string) => `${table}_due_from(${doc})`;

/** A wallet as its row holds it. */
export function docOfWallet(wallet: Wallet): WalletDoc {
  const json = walletJson(wallet);
  return { ...json.credits, grants: json.grants, allowance: json.allowance, earmarks: earmarksJson(wallet.earmarks) };
}

/**
 * Each account's wallet, folded by the domain's own wallet rules (burn order, refunds, expiry),
 * so that the credits and grants views read what deciding sees. A period's opening event carries
 * the wallet whole, so the fold restarts from it. The runner folds the domain's wallet through a
 * batch (`state`): a row's grants and earmarks are read into maps once per batch, not per event.
 */
export const credits = projection<WalletDoc, Wallet>({
  // v3: the earmarks of open holds, grant by grant (v2 rows had none).
  name: 'credits_v3',
  keys: ['account'],
  // The ledger looks for the wallets with something due by now (ledger/due-rows.ts): an index on
  // their earliest ending finds those few without reading every wallet's grants. Immutable: the
  // instants are RFC 3339 with an offset, which read the same whatever the session's time zone.
  indexes: (table) => [
    `create or replace function ${dueFrom(table, 'doc jsonb')} returns timestamptz language sql immutable parallel safe as $$
       select min(case when g->>'ended' is not null then '-infinity'::timestamptz else (g->>'expiresAt')::timestamptz end)
         from jsonb_array_elements(doc->'grants') g
        where (g->>'remaining')::bigint > 0 and (g->>'ended' is not null or g->>'expiresAt' is not null) $$`,
    `create index if not exists ${table}_due_from on ${table} (${dueFrom(table, 'doc')})`,
  ],
  keysOf: (e) => {
    if (!MOVES_CREDITS.has(e.type) || !('account' in e.data)) return [];
    // A tree member's usage burns and refunds its root's grants (docs/contract.md §2.7).
    const payer = 'payer' in e.data ? e.data.payer : undefined;
    return [[payer ?? (e.data.account as string)]];
  },
  evolve: (wallet, e) => {
    if (e.type === 'MeterDefined' || e.type === 'SubjectMapped' || e.type === 'AccountOpened' || e.type === 'PeriodStarted')
      return wallet;
    return evolveWallet(wallet ?? walletOfDoc(null), e);
  },
  state: { fromDoc: walletOfDoc, toDoc: docOfWallet },
});
