/** What the console reads and writes: the public HTTP API of docs/contract.md §5, nothing else. */

export type Role = 'admin' | 'finance' | 'producer';

/** A problem+json answer, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors: Array<{ field: string; reason: string }> = [],
  ) {
    super(detail);
  }
}

export interface AccountSummary {
  account: string;
  quotas: number;
  balance: number;
  lastDecisionAt: string | null;
}

export interface QuotaStatus {
  meter: string;
  limit: number | null;
  usage: number;
  reserved?: number;
  remaining: number | null;
  overage: number;
  enforcement: 'hard' | 'soft';
  period: 'month' | 'none' | 'day' | 'week' | 'year';
  /** Month and year periods: the instant whose day (and month) and time of day start each period; null = calendar. */
  anchor?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
  blockSize: number;
  blockPrice: string;
  includedUnits: number;
  currency: string;
  /** Percentages of the limit that raise an alert (absent from servers before alerts). */
  alertAt?: number[];
  /** A token bucket beside the limit (absent from servers before rate limits; null: none). */
  rateLimit?: RateLimit | null;
}

export interface RateLimit {
  units: number;
  per: 'second' | 'minute' | 'hour';
  burst: number;
}

/** Where an account stands in its account tree (GET /v1/accounts/{account}). */
export interface AccountTree {
  account: string;
  parent: string | null;
  children: string[];
  depth: number;
}

export interface Credits {
  balance: number;
  held?: number;
  granted: number;
  spent: number;
  expired?: number;
  voided?: number;
  nextExpiry?: { at: string; amount: number } | null;
  allowance?: { amount: number; per: 'month' | 'day'; priority: number } | null;
}

export interface Grant {
  id: string;
  amount: number;
  remaining: number;
  priority: number;
  effectiveAt: string;
  expiresAt: string | null;
  voidedAt: string | null;
  reason: string | null;
  status: 'pending' | 'live' | 'expired' | 'voided';
}

/** A line of `GET …/usage`: monthly lines name their `month`, daily ones (`granularity=day`) their `day`. */
export interface UsageLine {
  month?: string;
  day?: string;
  meter: string;
  subject?: string;
  units: number;
  requests: number;
  rejected: number;
}

export interface Decision {
  id: string;
  source: string;
  subject: string;
  meter: string;
  quantity: number;
  decision: 'accepted' | 'rejected';
  reason?: string;
  usage: number;
  limit: number | null;
  decidedAt: string;
  reversedAt: string | null;
  /** The id of the key that reported it, `bootstrap` (METERING_ADMIN_TOKEN) or `kafka`. */
  reportedBy?: string | null;
  /** A reservation's entry: units held until `expiresAt`, and how it ended (held past expiry = expired). */
  reservation?: { held: number; expiresAt: string; status: 'held' | 'committed' | 'released' } | null;
  position: string;
}

export interface Meter {
  meter: string;
  description: string | null;
  creditsPerUnit: number | null;
  defaultQuota: Partial<QuotaStatus> | null;
  updatedAt: string;
}

export interface BillingLine {
  account: string;
  meter: string;
  month: string;
  units: number;
  billableUnits: number;
  blocks: number;
  blockSize: number;
  blockPrice: string;
  amount: string;
  currency: string;
  /** Bounds of the period billed, for a quota counted in days, weeks, years or anchored months. */
  periodStart?: string;
  periodEnd?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  source: string | null;
  createdAt?: string;
  lastUsedAt?: string | null;
  token?: string;
}

const TOKEN_KEY = 'tally.console.token';

/** Dispatched on window when the API refuses the session's key. */
export const SIGNED_OUT = 'tally-console-signed-out';

/** The signed-in key lives in session storage: it goes when the tab closes. */
export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  keep: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  forget: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Calls the API with the session's key; JSON in and out unless `accept` says otherwise. */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  accept = 'application/json',
  token = session.token(),
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        accept,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, `the API did not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  // The session's key stopped working (revoked, or the server's data was reset): sign out.
  if (response.status === 401 && token !== null && token === session.token()) {
    session.forget();
    dispatchEvent(new Event(SIGNED_OUT));
  }
  if (!response.ok) {
    let problem: { detail?: string; title?: string; errors?: ApiError['errors'] } = {};
    try {
      problem = JSON.parse(text);
    } catch {
      // Not problem+json (a proxy's page, say): the status says enough.
    }
    throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.errors ?? []);
  }
  if (accept !== 'application/json') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A path segment: names may hold any character but controls, so they are always encoded. */
export const seg = (name: string) => encodeURIComponent(name);

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  createdAt: string;
  /** Only in the answer that created it: shown once. */
  secret?: string;
}

/** One attempt in an endpoint's delivery log: an HTTP status, or an error. */
export interface WebhookAttempt {
  alertId: string;
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  nextRetryAt: string | null;
}
