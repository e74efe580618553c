import { BUCKET_PARTS, type RateBucket, type RateLimit, type RatePeriod } from '@tally/events';

const PERIOD_MS: Readonly<Record<RatePeriod, bigint>> = { second: 1000n, minute: 60_000n, hour: 3_600_000n };

/** Parts (of {@link BUCKET_PARTS} per token) a bucket refills every millisecond: a whole number for every `per`. */
function partsPerMs(limit: RateLimit): bigint {
  return BigInt(limit.units) * (BUCKET_PARTS / PERIOD_MS[limit.per]);
}

/**
 * The level of a meter's bucket at `now`, in parts: full when no usage ever took from it; else
 * what the last decision left, refilled for the time since (never past the burst). A decision
 * time before the bucket's (another instance's clock) refills nothing.
 */
export function bucketLevelAt(limit: RateLimit, bucket: RateBucket | undefined, now: string): bigint {
  const full = BigInt(limit.burst) * BUCKET_PARTS;
  if (!bucket) return full;
  const elapsed = BigInt(Math.max(0, Date.parse(now) - Date.parse(bucket.at)));
  const level = BigInt(bucket.level) + elapsed * partsPerMs(limit);
  return level < full ? level : full;
}

/** Rule 4a's verdict: admitted (with the level the bucket is left at, when there is one), or refused. */
export type RateVerdict = { admitted: true; bucketLevel?: string } | { admitted: false; retryAfterMs?: number };

/**
 * docs/contract.md §3 rule 4a: a usage of `quantity` takes as many tokens from the meter's bucket,
 * and is refused when the bucket holds fewer, with the milliseconds until it will hold them
 * (none when `quantity` is above the burst). Usage that has happened already (`afterTheFact`,
 * reported over Kafka) is never refused but takes its tokens: the bucket may go below zero.
 */
export function takeTokens(
  limit: RateLimit | null | undefined,
  bucket: RateBucket | undefined,
  quantity: number,
  now: string,
  afterTheFact: boolean,
): RateVerdict {
  if (!limit) return { admitted: true };
  const level = bucketLevelAt(limit, bucket, now);
  const needed = BigInt(quantity) * BUCKET_PARTS;
  if (level >= needed || afterTheFact) return { admitted: true, bucketLevel: (level - needed).toString() };
  if (quantity > limit.burst) return { admitted: false };
  const perMs = partsPerMs(limit);
  const wait = (needed - level + perMs - 1n) / perMs;
  // Beyond exact integers only for absurd terms (a burst of 10^12 refilled once an hour): say "that long".
  return { admitted: false, retryAfterMs: wait > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(wait) };
}

/** The bucket a decision leaves: its level, at the later of its time and the bucket's (see {@link bucketLevelAt}). */
export function bucketAfter(previous: RateBucket | undefined, level: string, decidedAt: string): RateBucket {
  const at = previous && Date.parse(previous.at) > Date.parse(decidedAt) ? previous.at : decidedAt;
  return { level, at };
}
