import type { IncomingMessage, ServerResponse } from 'node:http';
import { Problem } from '../http/problem';
import type { ApiKey, ApiKeys } from './api-keys';
import { clientAddress } from './client-address';
import { FailureLimiter } from './failure-limiter';

/** What the authenticator counts, for /metrics. */
export interface AuthCounters {
  failed(): void;
  limited(): void;
}

/** A request once authenticated: the key is kept on it, so that it is looked up once. */
export type KeyedRequest = IncomingMessage & { apiKey?: ApiKey };

/**
 * Bearer-token authentication with failed attempts limited per client address
 * (docs/production.md): 401 without a valid token, 429 with Retry-After once the client's
 * address has failed too often, then for every token, the right one included, so that guessing
 * gains nothing. Works on the bare Node request, before any framework reads the body.
 */
export class Authenticator {
  private readonly trusted: ReadonlySet<string>;

  constructor(
    private readonly keys: ApiKeys,
    private readonly limiter: FailureLimiter,
    private readonly counters: AuthCounters,
    trustedProxies: readonly string[] = [],
    private readonly now: () => number = () => performance.now(),
  ) {
    this.trusted = new Set(trustedProxies);
  }

  /** The request's key (set on it), or a Problem (401, 429) with its headers set on `res`. */
  async authenticate(req: KeyedRequest, res: ServerResponse): Promise<ApiKey> {
    if (req.apiKey) return req.apiKey;
    // The client's address is worked out only when it can matter: some client has failed, or this one does now.
    const client = this.limiter.size > 0 ? clientAddress(req, this.trusted) : undefined;
    const wait = client === undefined ? 0 : this.limiter.retryAfter(client, this.now());
    if (wait > 0) {
      this.counters.limited();
      res.setHeader('Retry-After', String(wait));
      throw new Problem(429, 'TOO_MANY_FAILURES', 'Too many failed authentications', `retry in ${wait} s`);
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'send Authorization: Bearer <token>');
    const key = await this.keys.authenticate(match[1]);
    if (!key) {
      // Read after the key's lookup: the socket may have closed since, and its peer address is still
      // there because `limitPerClient` (http-server.ts) reads it as every connection opens, which
      // makes Node keep it; without that, a closed socket's failures would all count as one client.
      this.limiter.fail(client ?? clientAddress(req, this.trusted), this.now());
      this.counters.failed();
      throw new Problem(401, 'UNAUTHENTICATED', 'Unauthenticated', 'the token is not valid');
    }
    req.apiKey = key;
    return key;
  }
}
