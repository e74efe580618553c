import type { AllowancePer, MeterDefinition, QuotaTerms, UsageItem, UsageMessage } from '@tally/events';

/** Decide a usage (a validated usage message). `meter` is the meter's definition, if any, looked up by the caller. */
export interface DecideUsage {
  type: 'DecideUsage';
  account: string;
  usage: UsageMessage;
  meter: MeterDefinition | null;
  /** For a multi-item usage, the definition of each item's meter (null: none), by meter. */
  meters?: ReadonlyMap<string, MeterDefinition | null>;
  /** Who reports it: the API key's id, or "kafka"; recorded with the decision. */
  reportedBy: string;
  /**
   * True when the usage has happened already (reported over Kafka): a rate limit never refuses
   * it, but it takes its tokens (docs/contract.md §3 rule 4a). Absent = asked before the work.
   */
  afterTheFact?: boolean;
  now: string;
}

/** Set a quota: all its terms, defaults already applied. */
export interface SetQuota {
  type: 'SetQuota';
  account: string;
  meter: string;
  quota: QuotaTerms;
  now: string;
}

/** Change some terms of an existing quota. */
export interface ChangeQuota {
  type: 'ChangeQuota';
  account: string;
  meter: string;
  patch: Partial<QuotaTerms>;
  now: string;
}

/**
 * Grant credits; with a `grantId`, at most once (while the account holds that grant). Priority
 * defaults to 50, `effectiveAt` to now, `expiresAt` to never.
 */
export interface GrantCredits {
  type: 'GrantCredits';
  account: string;
  amount: number;
  reason: string | null;
  grantId: string | null;
  priority?: number;
  effectiveAt?: string;
  expiresAt?: string | null;
  now: string;
}

/** Void a grant: what is left of it leaves the balance now. */
export interface VoidGrant {
  type: 'VoidGrant';
  account: string;
  grantId: string;
  reason: string | null;
  now: string;
}

/** Set the allowance: `amount` credits re-issued every `per`, expiring at the period's end. */
export interface SetAllowance {
  type: 'SetAllowance';
  account: string;
  amount: number;
  per: AllowancePer;
  priority: number;
  now: string;
}

/** Stop the allowance. */
export interface RemoveAllowance {
  type: 'RemoveAllowance';
  account: string;
  now: string;
}

/** Reverse an accepted usage by its source and id. */
export interface ReverseUsage {
  type: 'ReverseUsage';
  account: string;
  source: string;
  id: string;
  reason: string | null;
  now: string;
}

/** Hold units (and their credits) for a usage whose size is known only after the work. */
export interface HoldUsage extends Omit<DecideUsage, 'type'> {
  type: 'HoldUsage';
  /** How long the hold lasts unless committed or released: 1 to 3600 seconds. */
  ttlSeconds: number;
}

/** Commit a hold: record an accepted usage of `quantity` (all the held units when null), release the rest. */
export interface CommitHold {
  type: 'CommitHold';
  account: string;
  source: string;
  id: string;
  quantity: number | null;
  /**
   * For a hold of a multi-item usage: the units used per held meter (each at most those held;
   * a held meter not named used none). Null commits every item's held units.
   */
  items?: readonly UsageItem[] | null;
  /** The meter's definition (its default quota), looked up by the caller; the held price is kept from the hold. */
  meter: MeterDefinition | null;
  /** For a multi-item hold, the definition of each held meter, by meter. */
  meters?: ReadonlyMap<string, MeterDefinition | null>;
  /** Who commits: recorded with the accepted usage. */
  reportedBy: string;
  now: string;
}

/** Release a hold: free all its units and credits. */
export interface ReleaseHold {
  type: 'ReleaseHold';
  account: string;
  source: string;
  id: string;
  now: string;
}

/** Set (or with null, clear) the balance below which a debit raises a `credits.low` alert. */
export interface SetCreditAlert {
  type: 'SetCreditAlert';
  account: string;
  creditsBelow: number | null;
  now: string;
}

/** Everything an account can be asked to do. Time arrives in the command, so deciding is pure. */
export type AccountCommand =
  | DecideUsage
  | SetQuota
  | ChangeQuota
  | GrantCredits
  | ReverseUsage
  | HoldUsage
  | CommitHold
  | ReleaseHold
  | SetCreditAlert
  | VoidGrant
  | SetAllowance
  | RemoveAllowance;
