import type {
  Allowance,
  Credits,
  DailyUsageLine,
  Decision,
  FieldError,
  Grant,
  GrantInput,
  Hold,
  QuotaView,
  ReleasedHold,
  UsageCheck,
  UsageItem,
  UsageLine,
  UsageQuery,
} from './contract';
import { TallyError } from './tally-error';
import { toCloudEvent, type UsageInput } from './usage-input';

/** Options of {@link TallyClient}. */
export interface TallyClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** A producer (or admin) API key. */
  token: string;
  /** `source` of every usage this client sends, unless an input names its own. */
  source: string;
  /** Per attempt; default 10 s. */
  timeoutMs?: number;
  /** Further attempts after a retryable failure (unreachable, 429, 5xx); default 3. */
  retries?: number;
  /** First backoff delay, doubled per attempt, with jitter; default 200 ms. */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

const MAX_DELAY_MS = 5_000;

/**
 * Records and checks usage over HTTP. A rejected usage is a result, not an error. Every call
 * is idempotent (a usage's id is fixed before the first attempt, and Tally counts a source +
 * id once), so failures that may be transient are retried with exponential backoff.
 */
export class TallyClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: TallyClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /**
   * Decides one usage now: resolves with the decision, accepted or rejected (a `RATE_LIMITED`
   * rejection, answered 429, included: it carries `retryAfterMs`, and a retry needs a new id).
   */
  record(input: UsageInput): Promise<Decision> {
    return this.post<Decision>('/v1/usage', toCloudEvent(input, this.options.source), [200, 402, 429]);
  }

  /** Decides up to 1000 usages in order, in one request. */
  async recordBatch(inputs: UsageInput[]): Promise<Decision[]> {
    const events = inputs.map((input) => toCloudEvent(input, this.options.source));
    return (await this.post<{ results: Decision[] }>('/v1/usage', events, [200])).results;
  }

  /** Would this usage be accepted now? Records nothing. */
  check(input: UsageInput): Promise<UsageCheck> {
    return this.post<UsageCheck>('/v1/usage/check', toCloudEvent(input, this.options.source), [200]);
  }

  /**
   * Holds units (and their credits) for work whose size is known only after it is done; they
   * count against hard limits and balances until committed, released or `ttlSeconds` (1 to
   * 3600, default 300) pass. A rejected hold is a result, like a rejected usage.
   */
  hold(input: UsageInput & { ttlSeconds?: number }): Promise<Hold> {
    const event = toCloudEvent(input, this.options.source);
    const data = input.ttlSeconds === undefined ? event.data : { ...event.data, ttlSeconds: input.ttlSeconds };
    return this.post<Hold>('/v1/reservations', { ...event, data }, [201, 402, 429]);
  }

  /**
   * Records `used` of a hold's units (all of them if omitted) as used, and frees the rest: a
   * quantity for a hold of one meter, items (units per held meter; a meter left out used none)
   * for a multi-item hold.
   */
  commit(id: string, used?: number | UsageItem[], source = this.options.source): Promise<Decision> {
    const body = used === undefined ? {} : Array.isArray(used) ? { items: used } : { quantity: used };
    return this.post<Decision>('/v1/reservations/commit', { source, id, ...body }, [200]);
  }

  /** Frees a hold's units and credits. */
  release(id: string, source = this.options.source): Promise<ReleasedHold> {
    return this.post<ReleasedHold>('/v1/reservations/release', { source, id }, [200]);
  }

  /**
   * The account's use between two months, or with `granularity: 'day'` between two days (at
   * most 366), per meter or per meter × subject. Read from a projection: it may lag a little.
   */
  usage(account: string, query: UsageQuery & { granularity: 'day' }): Promise<DailyUsageLine[]>;
  usage(account: string, query: UsageQuery & { granularity?: 'month' }): Promise<UsageLine[]>;
  usage(account: string, query: UsageQuery): Promise<UsageLine[] | DailyUsageLine[]> {
    const params = new URLSearchParams({ from: query.from, to: query.to });
    if (query.granularity) params.set('granularity', query.granularity);
    if (query.groupBy) params.set('groupBy', query.groupBy);
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/usage?${params}`, undefined, [200], 'GET');
  }

  /** An account's quota for a meter (its own, else the meter's default) with its use in the current period and that period's bounds. */
  quota(account: string, meter: string): Promise<QuotaView> {
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/quotas/${encodeURIComponent(meter)}`, undefined, [200], 'GET');
  }

  /** The account's credits, now or as Tally knew them at `asOf`. */
  credits(account: string, asOf?: string): Promise<Credits> {
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/credits${asOfQuery(asOf)}`, undefined, [200], 'GET');
  }

  /** The grants the account holds, in burn order. */
  grants(account: string, asOf?: string): Promise<Grant[]> {
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/credits/grants${asOfQuery(asOf)}`, undefined, [200], 'GET');
  }

  /** Grants credits (admin); with an id of its own when none is given, so that retrying is safe. */
  grant(account: string, input: GrantInput): Promise<{ grant: Grant; balance: number }> {
    const body = { ...input, id: input.id ?? `g_${globalThis.crypto.randomUUID()}` };
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/credits`, body, [201]);
  }

  /** Voids a grant (admin): what is left of it leaves the balance now. */
  voidGrant(account: string, grantId: string, reason?: string): Promise<Grant> {
    const path = `/v1/accounts/${encodeURIComponent(account)}/credits/grants/${encodeURIComponent(grantId)}/void`;
    return this.post(path, reason === undefined ? {} : { reason }, [200]);
  }

  /** Sets (admin) the account's allowance; the current period's grant is issued at once. */
  setAllowance(account: string, allowance: Allowance): Promise<Required<Allowance>> {
    return this.post(`/v1/accounts/${encodeURIComponent(account)}/credits/allowance`, allowance, [200], 'PUT');
  }

  /** Stops (admin) the account's allowance. */
  async removeAllowance(account: string): Promise<void> {
    await this.post(`/v1/accounts/${encodeURIComponent(account)}/credits/allowance`, undefined, [204], 'DELETE');
  }

  // Every call goes through here (reads with method GET and no body), retried the same way.
  private async post<T>(path: string, body: unknown, ok: number[], method = 'POST'): Promise<T> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt<T>(path, body, ok, method);
      } catch (error) {
        if (!(error instanceof TallyError) || !error.retryable || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.delay(attempt, error)));
      }
    }
  }

  // Exponential with full jitter, so that many producers retrying after one outage spread out.
  private delay(attempt: number, error: TallyError): number {
    const backoff = (this.options.retryDelayMs ?? 200) * 2 ** attempt * (0.5 + Math.random() / 2);
    const asked = error.retryAfterSeconds === null ? 0 : error.retryAfterSeconds * 1000;
    return Math.min(MAX_DELAY_MS, Math.max(backoff, asked));
  }

  private async attempt<T>(path: string, body: unknown, ok: number[], method: string): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TallyError(0, 'UNREACHABLE', `Tally is unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // A proxy's HTML error page, say: the status says enough.
    }
    // A 429 is a result only when it is Tally's rate-limited decision; any other 429 is retried.
    if (ok.includes(response.status) && (response.status !== 429 || json.decision === 'rejected')) return json as T;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new TallyError(
      response.status,
      String(json.code ?? 'HTTP_' + response.status),
      String(json.detail ?? response.statusText),
      (json.errors as FieldError[]) ?? [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
}

function asOfQuery(asOf: string | undefined): string {
  return asOf === undefined ? '' : `?${new URLSearchParams({ asOf })}`;
}
