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

/** An RFC 3339 instant with its offset (Z or ±hh:mm), each field in its range (the day checked apart). */
const RFC3339 =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?([Zz]|[+-](0[0-9]|1[0-5]):[0-5][0-9])$';

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
  // their earliest ending finds those few without reading every wallet's grants. Immutable: an
  // instant is read only in the RFC 3339 form with an offset, which reads the same whatever the
  // session's time zone. Any other value (a row no api write makes) reads as nothing due rather
  // than failing: an error here would fail every write of the table, and the index's creation.
  // A regular expression and a day-of-month check, not an exception block, rule them out: the
  // casts never see a value they would refuse.
  // (One function: PostgreSQL 17 builds an index with a search_path of pg_catalog alone, where
  // a helper function of the read model's schema would not be found.)
  indexes: (table) => [
    `create or replace function ${dueFrom(table, 'doc jsonb')} returns timestamptz language sql immutable parallel safe as $$
       select min(case when g->>'ended' is not null then '-infinity'::timestamptz
                       when t ~ '${RFC3339}' and substr(t, 1, 4) <> '0000' then
                         case when substr(t, 9, 2)::int <= extract(day from make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1) + interval '1 month - 1 day')
                           then t::timestamptz end end)
         from jsonb_array_elements(case jsonb_typeof(doc->'grants') when 'array' then doc->'grants' else '[]'::jsonb end) g,
              lateral (select g->>'expiresAt' as t) expires
        where case jsonb_typeof(g->'remaining') when 'number' then (g->'remaining')::numeric > 0 else false end
          and (g->>'ended' is not null or t is not null) $$`,
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
