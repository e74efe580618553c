import type { DecisionMessage, FieldError, UsageCheck } from '@tally/events';

export type { UsageCheck };
import { toCloudEvent, type UsageInput } from './usage-input';

/** A decision as Tally returns it. */
export type Decision = DecisionMessage;

/** Tally refused the request itself (not the usage): bad input, auth, or an outage. */
export class TallyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'TallyError';
  }

  /** Worth retrying with the same ids: the server was unavailable or busy. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** Options of {@link TallyClient}. */
export interface TallyClientOptions {
  /** e.g. http://localhost:3000 */
  baseUrl: string;
  /** A producer (or admin) API key. */
  token: string;
  /** `source` of every usage this client sends, unless an input names its own. */
  source: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Records and checks usage over HTTP. A rejected usage is a result, not an error. */
export class TallyClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: TallyClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** Decides one usage now: resolves with the decision, accepted or rejected. */
  record(input: UsageInput): Promise<Decision> {
    return this.post<Decision>('/v1/usage', toCloudEvent(input, this.options.source), [200, 402]);
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

  private async post<T>(path: string, body: unknown, ok: number[]): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(`${this.options.baseUrl.replace(/\/$/, '')}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new TallyError(0, 'UNREACHABLE', `Tally is unreachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (ok.includes(response.status)) return json as T;
    throw new TallyError(
      response.status,
      String(json.code ?? 'HTTP_' + response.status),
      String(json.detail ?? response.statusText),
      (json.errors as FieldError[]) ?? [],
    );
  }
}
