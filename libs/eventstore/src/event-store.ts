import type { StoredEvent } from '@tally/events';

/** What the writer expects the stream to be at: its last revision, absent, or anything. */
export type ExpectedRevision = bigint | 'no_stream' | 'any';

/**
 * A position in the store's global order. Opaque: only the adapter that made it may
 * compare it (see {@link EventStore.compare}).
 */
export type Checkpoint = string;

/** An event as read back from the store. */
export interface RecordedEvent extends StoredEvent {
  streamName: string;
  /** 0-based position within its stream. */
  revision: bigint;
  position: Checkpoint;
  createdAt: string;
}

/** Where an append left the stream and the store. */
export interface AppendResult {
  /** Revision of the last event appended: the next expected revision. */
  nextRevision: bigint;
  /** Global position of the last event appended. */
  position: Checkpoint;
}

/** Options of an ordered subscription to every stream whose name starts with a prefix. */
export interface SubscribeOptions {
  /** Deliver events strictly after this position; null delivers from the start. */
  from: Checkpoint | null;
  prefixes: string[];
  /**
   * Stored type names (such as `AlertRaised.v1`) to deliver, the others passed by in the store
   * (a follower that needs a few events does not read them all); every type when absent.
   */
  types?: readonly string[];
  /** Largest batch to deliver at once. */
  batchSize?: number;
  /**
   * For a follower that may lag this long (a cache that must only notice changes soon): once
   * caught up, the store is read at most once per `intervalMs` instead of as events are appended
   * (about every 25 ms under load), no append notification is listened for, and a filtered one
   * says how far it read at every read (not at most once a second). EventStoreDB
   * pushes what its filter lets through, so there it only gathers a burst into fewer batches.
   * Absent: live.
   */
  intervalMs?: number;
}

/**
 * A batch of a subscription: its events, and `through`, the position the store was read up to
 * for it (its last event's, or later when events it does not deliver came after). A filtered
 * subscription also yields empty batches when it has read past events it does not deliver, so a
 * follower's checkpoint moves on and it neither reports lag nor reads them again after a restart.
 */
export interface EventBatch extends Array<RecordedEvent> {
  through: Checkpoint;
}

/** Batches of events in global order, until closed. */
export interface Subscription extends AsyncIterable<EventBatch> {
  close(): Promise<void>;
}

/** `events` as a batch read up to `through` (its last event's position when not given). */
export function eventBatch(events: RecordedEvent[], through?: Checkpoint): EventBatch {
  const at = through ?? events[events.length - 1]?.position;
  if (at === undefined) throw new Error('an empty batch needs the position it was read up to');
  return Object.assign(events, { through: at });
}

/** The append was refused because the stream was not at the expected revision. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${stream} is at ${String(actual)}, expected ${String(expected)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * The store refused what the events hold (not where they go): retrying cannot cure it, so the
 * caller fails only the request whose data it was. `reason` is the store's words, for logs.
 */
export class EventRejectedError extends Error {
  /**
   * @param code the store's own code for the refusal where it has one (a PostgreSQL SQLSTATE),
   * so that whoever sorts failures (the Kafka consumer's dead letters) can name it.
   */
  constructor(
    readonly stream: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`the store refused the events for ${stream}: ${reason}`);
    this.name = 'EventRejectedError';
  }
}

/**
 * An event's claim on an (account, source, id, kind): indexed in the same transaction as the
 * event, unique while younger than {@link CLAIM_WINDOW_DAYS} days (an older one is replaced), so
 * the 35-day duplicate rule is answered by the store however much an account has forgotten.
 */
export interface Claim {
  /** Index of the claiming event among the events appended with it. */
  event: number;
  account: string;
  source: string;
  id: string;
  kind: string;
  /** ISO instant the claim counts from. */
  at: string;
}

/** How long a claim stays unique (docs/contract.md §3 rule 1), and how long the store keeps it. */
export const CLAIM_WINDOW_DAYS = 35;

/** A claim to (source, id) of an account: what {@link EventStore.readClaimed} looks up. */
export interface ClaimKey {
  source: string;
  id: string;
}

/**
 * The append was refused because one of its claims is already taken (another event answers for
 * that id): nothing of it was written. A conflict like a revision one: the writer recalls the
 * claimed events and decides again.
 */
export class ClaimTakenError extends WrongExpectedRevisionError {
  constructor(stream: string, expected: ExpectedRevision, actual: bigint | 'no_stream') {
    super(stream, expected, actual);
    this.message = `a claim of the append to ${stream} is already taken`;
    this.name = 'ClaimTakenError';
  }
}

/**
 * A saved state of a stream's fold at a revision, to load from instead of the stream's start.
 * `data` is the folder's own versioned shape; the store keeps the newest one per stream.
 */
export interface Snapshot {
  /** Revision of the last event folded into it. */
  revision: bigint;
  data: unknown;
}

/** One stream's part of a multi-stream append: its events and the revision it must be at. */
export interface StreamAppend {
  stream: string;
  events: StoredEvent[];
  expected: ExpectedRevision;
  /** Claims its events make; the part is refused with {@link ClaimTakenError} if one is taken. */
  claims?: Claim[];
  /**
   * Parts of one {@link EventStore.appendMany} with the same key are one atomic append (see
   * {@link EventStore.appendAtomically}, in the order given): if one fails, each of them fails
   * with its error, and none is written where the store is `atomicAcrossStreams`.
   */
  atomic?: string;
}

/** How one stream's part of a multi-stream append went: appended, or refused on its own. */
export type StreamAppendOutcome =
  { ok: true; result: AppendResult } | { ok: false; error: WrongExpectedRevisionError | EventRejectedError };

/** The event-store port: every adapter (PostgreSQL, PGlite, EventStoreDB) passes one contract suite. */
export interface EventStore {
  /**
   * Appends atomically if the stream is at `expected`; throws {@link WrongExpectedRevisionError} if
   * not, and {@link ClaimTakenError} if one of `claims` is taken (then nothing is written).
   */
  appendToStream(stream: string, events: StoredEvent[], expected: ExpectedRevision, claims?: Claim[]): Promise<AppendResult>;
  /**
   * The events that hold a claim (younger than {@link CLAIM_WINDOW_DAYS} days before `now`) to one
   * of `keys` of `account`, in the order they were appended.
   */
  readClaimed(account: string, keys: ClaimKey[], now: string): Promise<RecordedEvent[]>;
  /**
   * {@link readStream} of `stream` from `fromRevision` on and, with `claims`, {@link readClaimed}
   * of its keys, read together: one statement (so one snapshot of the store) where the store can,
   * else the two reads side by side. What a dry run of a cached account reads before answering.
   */
  readStreamWithClaimed(
    stream: string,
    fromRevision: bigint,
    claims: { account: string; keys: ClaimKey[]; now: string } | null,
  ): Promise<{ events: RecordedEvent[]; claimed: RecordedEvent[] }>;
  /** Forgets claims made before `before` (they no longer answer for anything); returns how many. */
  pruneClaims(before: string): Promise<number>;
  /** The newest snapshot of a stream, or null. An optimisation only: losing it changes no answer. */
  readSnapshot(stream: string): Promise<Snapshot | null>;
  /** Saves a snapshot of a stream, unless a newer one is saved already. */
  writeSnapshot(stream: string, snapshot: Snapshot): Promise<void>;
  /**
   * Appends to several distinct streams at once (a group commit), each part atomic and checked
   * against its own expected revision: a part that conflicts or whose data is refused fails
   * alone, in its outcome, and never fails the others. Rejects only if the store cannot be
   * reached (then nothing is known about any part). Adapters without multi-stream transactions
   * append the parts one by one. Parts that share an `atomic` key succeed or fail together.
   */
  appendMany(appends: StreamAppend[]): Promise<StreamAppendOutcome[]>;
  /**
   * True when {@link appendAtomically} is all or nothing across streams (PostgreSQL and PGlite:
   * one statement, so one transaction); false on a store without multi-stream transactions
   * (EventStoreDB), which appends the parts one by one in the order given.
   */
  readonly atomicAcrossStreams: boolean;
  /**
   * Appends to several distinct streams all or nothing: every part is at its expected revision
   * and none of its claims is taken, and then all are written, or none is and the error of a part
   * that failed is thrown ({@link WrongExpectedRevisionError}, {@link ClaimTakenError},
   * {@link EventRejectedError}). Results in the order given.
   *
   * Where the store has no transaction across streams ({@link atomicAcrossStreams} false:
   * EventStoreDB 24 and its client 6.x offer none, nor a multi-stream append), the parts are
   * appended one by one in the order given and the first failure stops it: the parts before it
   * stay written, as they do when a writer stops in between. The caller orders the parts so that
   * every prefix is a state it can resume from (docs/architecture.md, "Registration").
   */
  appendAtomically(parts: StreamAppend[]): Promise<AppendResult[]>;
  /** Events of a stream from a revision on (inclusive), at most `maxCount`; empty if the stream does not exist. */
  readStream(stream: string, fromRevision?: bigint, maxCount?: number): Promise<RecordedEvent[]>;
  /**
   * Every event of each of several streams (an empty list for one that does not exist), in the
   * order given: one read where the store can. Meant for small streams (subjects, meters), read
   * whole.
   */
  readStreams(streams: readonly string[]): Promise<RecordedEvent[][]>;
  /** The last event of a stream, or null if it does not exist. */
  readLastEvent(stream: string): Promise<RecordedEvent | null>;
  /**
   * {@link readLastEvent} of each of several streams (null for one that does not exist), in the
   * order given (a stream named twice is answered twice): one read where the store can (on
   * PostgreSQL and PGlite, concurrent {@link readLastEvent}s are also sent together this way).
   */
  readLastEvents(streams: readonly string[]): Promise<Array<RecordedEvent | null>>;
  /** Ordered, gap-free delivery of events after a checkpoint, live once caught up. */
  subscribe(options: SubscribeOptions): Subscription;
  /**
   * The position of the newest event (of streams with one of `prefixes`, if given, and of one of
   * `types`, if given), or null if none.
   */
  headPosition(prefixes?: string[], types?: readonly string[]): Promise<Checkpoint | null>;
  /**
   * The first event after `from` (of streams with one of `prefixes`, of one of `types` if given),
   * or null: how far a follower is behind.
   */
  firstEventAfter(from: Checkpoint | null, prefixes: string[], types?: readonly string[]): Promise<RecordedEvent | null>;
  /**
   * How many events (of streams with one of `prefixes`, of one of `types` if given) lie after
   * `from` (null: from the start), counting at most `cap`: how far behind a follower is, for metrics.
   */
  countAfter(from: Checkpoint | null, prefixes: string[], cap: number, types?: readonly string[]): Promise<number>;
  /** Negative, zero or positive as `a` is before, at or after `b`. */
  compare(a: Checkpoint, b: Checkpoint): number;
  /** Throws if the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
