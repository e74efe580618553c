/** How many failed authentications one client may make: `burst` at once, then `perMinute`. */
export interface FailureLimits {
  burst: number;
  perMinute: number;
  /** Client addresses remembered at most; the least recently failing are forgotten first. */
  maxClients?: number;
}

interface Bucket {
  /** Failures still allowed, as of `at` (fractional while it refills). */
  allowance: number;
  at: number;
}

/** The default bound on remembered clients: 10,000 buckets are well under a megabyte. */
export const MAX_LIMITED_CLIENTS = 10_000;

/**
 * Failed authentications per client, as token buckets: each failure takes one from the client's
 * allowance of `burst`, which refills at `perMinute`; a client with less than one left is limited
 * until it has one again. Memory is bounded: at most `maxClients` buckets, in a map kept in
 * order of last failure, so that the one forgotten first when it is full is the least recent; a
 * bucket that has refilled is dropped when next seen. Framework-free: time is passed in.
 */
export class FailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly maxClients: number;

  constructor(private readonly limits: FailureLimits) {
    this.perMs = limits.perMinute / 60_000;
    this.maxClients = limits.maxClients ?? MAX_LIMITED_CLIENTS;
  }

  /** Seconds until `client` may try again (0: it may now). */
  retryAfter(client: string, now: number): number {
    const bucket = this.buckets.get(client);
    if (!bucket) return 0;
    const allowance = this.allowance(bucket, now);
    if (allowance >= this.limits.burst) {
      this.buckets.delete(client);
      return 0;
    }
    return allowance >= 1 ? 0 : Math.ceil((1 - allowance) / this.perMs / 1000);
  }

  /** Records a failed authentication of `client`. */
  fail(client: string, now: number): void {
    const bucket = this.buckets.get(client);
    const allowance = bucket ? this.allowance(bucket, now) : this.limits.burst;
    // Re-inserted, so that the map's first entry is always the least recently failing client.
    this.buckets.delete(client);
    this.buckets.set(client, { allowance: Math.max(allowance - 1, 0), at: now });
    if (this.buckets.size > this.maxClients) this.buckets.delete(this.buckets.keys().next().value!);
  }

  /** Clients remembered now (bounded by `maxClients`). */
  get size(): number {
    return this.buckets.size;
  }

  private allowance(bucket: Bucket, now: number): number {
    return Math.min(this.limits.burst, bucket.allowance + (now - bucket.at) * this.perMs);
  }
}
