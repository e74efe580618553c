import type { SqlReader } from '@tally/eventstore';
import { readAccounts, type AccountSummary } from './accounts/query';
import { billingPages, readBilling, type BillingSelection } from './billing/query';
import type { BillingLine, GrantView } from '@tally/domain';
import { readCredits, readGrants, type Wallet } from './credits/query';
import { ledgerPages, type LedgerPosition } from './ledger/query';
import type { LedgerRow } from './ledger/projection';
import { readAccountsOfUsage, readDecisions, type DecisionView } from './decisions/query';
import { readMeters, type MeterView } from './meters/query';
import { readQuotas } from './quotas/query';
import type { QuotaStatus } from './quotas/quota-status';
import { readAccountsOfHold, type HoldPlace } from './reservations/query';
import { readDailyUsage, type DailyUsageLine } from './usage/daily-query';
import { readUsage, type UsageLine } from './usage/query';

/**
 * Reads the projections, one query module per read model (`<model>/query.ts`, next to its
 * projection). Every answer may lag the event store by the projector's delay; one read in
 * several statements (the billing and ledger pages) reads them in one snapshot.
 */
export class ReadModels {
  constructor(private readonly db: SqlReader) {}

  meters(): Promise<MeterView[]> {
    return readMeters(this.db);
  }

  /** The account's quotas (own, else meter defaults) with usage in the period current at `now`. */
  quotas(account: string, now: string, meter?: string): Promise<QuotaStatus[]> {
    return readQuotas(this.db, account, now, meter);
  }

  /** The wallet, with the credits live holds keep at `now`. */
  credits(account: string, now: string): Promise<Wallet | null> {
    return readCredits(this.db, account, now);
  }

  /** The grants the account holds at `now`; null for an unknown account. */
  grants(account: string, now: string): Promise<GrantView[] | null> {
    return readGrants(this.db, account, now);
  }

  /** Which accounts hold (or held) a reservation with this source and id, the latest first. */
  accountsOfHold(source: string, id: string): Promise<HoldPlace[]> {
    return readAccountsOfHold(this.db, source, id);
  }

  /** Monthly use between two months inclusive, per meter or per meter × subject. */
  usage(account: string, from: string, to: string, bySubject: boolean): Promise<UsageLine[]> {
    return readUsage(this.db, account, from, to, bySubject);
  }

  /** Daily use between two days ('YYYY-MM-DD') inclusive, per meter or per meter × subject. */
  dailyUsage(account: string, from: string, to: string, bySubject: boolean): Promise<DailyUsageLine[]> {
    return readDailyUsage(this.db, account, from, to, bySubject);
  }

  /** Billing lines of a month, priced by the terms in force at its end (or now, if still open). */
  billing(month: string, now: string, account?: string): Promise<BillingLine[]> {
    return readBilling(this.db, month, now, account);
  }

  /** The same lines page by page (keyset pagination), for exports that stream in bounded memory. */
  billingPages(month: string, now: string, selection: BillingSelection = {}): AsyncGenerator<BillingLine[]> {
    return billingPages(this.db, month, now, selection);
  }

  /** A month's credit movements page by page (keyset pagination), for the ledger export. */
  ledgerPages(
    month: string,
    selection: { account?: string; after?: LedgerPosition | null; limit?: number; now?: string } = {},
  ): AsyncGenerator<Array<LedgerRow & { position: LedgerPosition }>> {
    return ledgerPages(this.db, month, selection);
  }

  /** Accounts by id, after a cursor (exclusive), with their balance at `now`. */
  accounts(after: string | null, limit: number, now: string): Promise<AccountSummary[]> {
    return readAccounts(this.db, after, limit, now);
  }

  /** The account's decisions, newest first; `before` (a position from an earlier page) gives the ones older than it. */
  decisions(account: string, limit: number, before: string | null = null): Promise<DecisionView[]> {
    return readDecisions(this.db, account, limit, before);
  }

  /** Which accounts decided a usage with this source and id (normally one). */
  accountsOfUsage(source: string, id: string): Promise<string[]> {
    return readAccountsOfUsage(this.db, source, id);
  }
}
