import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { createHash } from 'node:crypto';
import type { StoredEvent } from '@tally/events';
import {
  CLAIM_WINDOW_DAYS,
  ClaimTakenError,
  WrongExpectedRevisionError,
  type Claim,
  type ClaimKey,
  type Snapshot,
  type AppendResult,
  type Checkpoint,
  type EventStore,
  type ExpectedRevision,
  type RecordedEvent,
  type StreamAppend,
  type StreamAppendOutcome,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { appendEachOf } from '../append-each';
import { checkpointOf, compareCheckpoints, positionOf, toRecorded } from './esdb-mapping';
import { EsdbSubscription } from './esdb-subscription';

const DAY_MS = 24 * 60 * 60 * 1000;
// Claim streams: one per (account, source, id), outside every prefix a subscriber follows.
const CLAIM_STREAM_PREFIX = 'tally.claims-';
// Snapshots: one stream per snapshotted stream, keeping its newest event only ($maxCount 1).
const SNAPSHOT_STREAM_PREFIX = 'tally.snapshots-';

/** What a claim stream's event holds: where the claiming event is (or was to be) appended, and its event id. */
interface ClaimData {
  stream: string;
  revision: string;
  eventId: string;
  at: string;
}

// How far back headPosition looks for an event of the given prefixes before giving up.
const HEAD_SCAN_LIMIT = 5000;

/**
 * The event store on EventStoreDB (@eventstore/db-client 6): streams map one to one, expected
 * revisions are the server's, and subscriptions are catch-up subscriptions to $all filtered by
 * stream-name prefix, resumed from a stored $all position.
 */
export class EsdbEventStore implements EventStore {
  private constructor(
    private readonly client: EventStoreDBClient,
    private readonly timeoutMs: number,
  ) {}

  /** Connects and checks the server answers, failing fast with a clear message if it does not. */
  static async connect(connectionString: string, timeoutMs = 5000): Promise<EsdbEventStore> {
    const store = new EsdbEventStore(EventStoreDBClient.connectionString(connectionString), timeoutMs);
    try {
      await store.ping();
    } catch (error) {
      await store.close().catch(() => undefined);
      throw new Error(`EventStoreDB at ${redact(connectionString)} is unreachable: ${(error as Error).message}`);
    }
    return store;
  }

  /**
   * EventStoreDB has no transaction across streams, so a claim is made first, in a stream of its
   * own per (account, source, id) appended at the revision it was read at (two writers cannot
   * both take it), and points at the revision its event is to have. An event that never landed
   * there (the append conflicted, or the process died in between) leaves a claim that points at
   * nothing or at another event: {@link claimedEvent} finds it void (the claiming event's id is
   * derived from the claim, so it is recognised), and it neither blocks a later claim nor answers
   * a lookup. Claim streams carry a $maxAge, so the server scavenges them.
   */
  async appendToStream(
    stream: string,
    events: StoredEvent[],
    expected: ExpectedRevision,
    claims: Claim[] = [],
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    if (claims.length > 0) await this.claim(stream, expected, claims);
    const ids = new Map(claims.map((c) => [c.event, claimEventId(c)]));
    return this.appendEvents(stream, events, expected, ids);
  }

  private async claim(stream: string, expected: ExpectedRevision, claims: Claim[]): Promise<void> {
    const base =
      expected === 'no_stream' ? -1n : expected === 'any' ? ((await this.readLastEvent(stream))?.revision ?? -1n) : expected;
    for (const claim of claims) {
      const claimStream = claimStreamOf(claim.account, claim);
      const existing = await this.readStream(claimStream);
      const windowStart = Date.parse(claim.at) - CLAIM_WINDOW_DAYS * DAY_MS;
      for (const recorded of existing) {
        if (recorded.type !== claim.kind || Date.parse((recorded.data as unknown as ClaimData).at) < windowStart) continue;
        if (await this.claimedEvent(recorded)) {
          throw new ClaimTakenError(stream, expected, base < 0n ? 'no_stream' : base);
        }
      }
      const data: ClaimData = {
        stream,
        revision: (base + 1n + BigInt(claim.event)).toString(),
        eventId: claimEventId(claim),
        at: claim.at,
      };
      try {
        await this.client.appendToStream(claimStream, jsonEvent({ type: claim.kind, data: { ...data } }), {
          expectedRevision: existing.length === 0 ? NO_STREAM : existing[existing.length - 1].revision,
        });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw new ClaimTakenError(stream, expected, base < 0n ? 'no_stream' : base);
        throw error;
      }
      if (existing.length === 0) {
        await this.client.setStreamMetadata(claimStream, { maxAge: (CLAIM_WINDOW_DAYS + 1) * 24 * 60 * 60 });
      }
    }
  }

  /** The event a claim stream's entry points at, if it landed there (the id it was to have). */
  private async claimedEvent(entry: RecordedEvent): Promise<RecordedEvent | null> {
    const { stream, revision, eventId } = entry.data as unknown as ClaimData;
    try {
      for await (const resolved of this.client.readStream(stream, {
        fromRevision: BigInt(revision),
        direction: FORWARDS,
        maxCount: 1,
      })) {
        const event = resolved.event;
        if (!event || event.revision !== BigInt(revision) || event.id !== eventId) return null;
        return toRecorded(resolved);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return null;
      throw error;
    }
    return null;
  }

  async readClaimed(account: string, keys: ClaimKey[], now: string): Promise<RecordedEvent[]> {
    const windowStart = Date.parse(now) - CLAIM_WINDOW_DAYS * DAY_MS;
    const found: RecordedEvent[] = [];
    for (const key of keys) {
      for (const entry of await this.readStream(claimStreamOf(account, key))) {
        if (Date.parse((entry.data as unknown as ClaimData).at) < windowStart) continue;
        const event = await this.claimedEvent(entry);
        if (event) found.push(event);
      }
    }
    return found.sort((a, b) => compareCheckpoints(a.position, b.position));
  }

  /** No statement spans streams here: the two reads side by side. */
  async readStreamWithClaimed(
    stream: string,
    fromRevision: bigint,
    claims: { account: string; keys: ClaimKey[]; now: string } | null,
  ): Promise<{ events: RecordedEvent[]; claimed: RecordedEvent[] }> {
    const [events, claimed] = await Promise.all([
      this.readStream(stream, fromRevision),
      claims ? this.readClaimed(claims.account, claims.keys, claims.now) : [],
    ]);
    return { events, claimed };
  }

  async readSnapshot(stream: string): Promise<Snapshot | null> {
    const last = await this.readLastEvent(`${SNAPSHOT_STREAM_PREFIX}${stream}`);
    if (!last) return null;
    const { revision, data } = last.data as { revision: string; data: unknown };
    return { revision: BigInt(revision), data };
  }

  async writeSnapshot(stream: string, snapshot: Snapshot): Promise<void> {
    const snapshots = `${SNAPSHOT_STREAM_PREFIX}${stream}`;
    const newest = await this.readSnapshot(stream);
    if (newest && newest.revision >= snapshot.revision) return;
    const data = { revision: snapshot.revision.toString(), data: snapshot.data } as Record<string, unknown>;
    await this.client.appendToStream(snapshots, jsonEvent({ type: 'Snapshot', data }), { expectedRevision: ANY });
    if (!newest) await this.client.setStreamMetadata(snapshots, { maxCount: 1 });
  }

  /** Claim streams expire by their $maxAge (the server's scavenge removes them): nothing to do here. */
  async pruneClaims(_before: string): Promise<number> {
    return 0;
  }

  private async appendEvents(
    stream: string,
    events: StoredEvent[],
    expected: ExpectedRevision,
    ids: Map<number, string> = new Map(),
  ): Promise<AppendResult> {
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e, i) => jsonEvent({ type: e.type, data: e.data, ...(ids.has(i) ? { id: ids.get(i) } : {}) })),
        { expectedRevision: expected === 'no_stream' ? NO_STREAM : expected === 'any' ? ANY : expected },
      );
      const position = result.position ?? (await this.lastPositionOf(stream));
      return { nextRevision: result.nextExpectedRevision, position: checkpointOf(position) };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no_stream';
        throw new WrongExpectedRevisionError(stream, expected, actual);
      }
      throw error;
    }
  }

  /** EventStoreDB has no multi-stream transaction: the parts are appended one by one. */
  appendMany(appends: StreamAppend[]): Promise<StreamAppendOutcome[]> {
    return appendEachOf(this, appends);
  }

  /** EventStoreDB has no transaction across streams (nor does its client offer a multi-stream append). */
  readonly atomicAcrossStreams = false;

  /**
   * The documented fallback of {@link EventStore.appendAtomically}: the parts one by one, in the
   * order given, stopping at the first that fails; the parts before it stay written.
   */
  async appendAtomically(parts: StreamAppend[]): Promise<AppendResult[]> {
    if (new Set(parts.map((a) => a.stream)).size !== parts.length) throw new Error('appendAtomically needs distinct streams');
    const results: AppendResult[] = [];
    for (const part of parts) results.push(await this.appendToStream(part.stream, part.events, part.expected, part.claims));
    return results;
  }

  async readStream(stream: string, fromRevision = 0n, maxCount?: number): Promise<RecordedEvent[]> {
    return this.collect(
      this.client.readStream(stream, {
        fromRevision: fromRevision === 0n ? START : fromRevision,
        direction: FORWARDS,
        ...(maxCount === undefined ? {} : { maxCount }),
      }),
    );
  }

  /** One read per stream: EventStoreDB has no read of several streams but through `$all`. */
  readStreams(streams: readonly string[]): Promise<RecordedEvent[][]> {
    return Promise.all(streams.map((stream) => this.readStream(stream)));
  }

  async readLastEvent(stream: string): Promise<RecordedEvent | null> {
    const [last] = await this.collect(this.client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }));
    return last ?? null;
  }

  /** One backwards read per stream, side by side: EventStoreDB has no read of several streams' ends. */
  readLastEvents(streams: readonly string[]): Promise<Array<RecordedEvent | null>> {
    return Promise.all(streams.map((stream) => this.readLastEvent(stream)));
  }

  subscribe(options: SubscribeOptions): Subscription {
    return new EsdbSubscription(this.client, options);
  }

  async headPosition(prefixes?: string[], types?: readonly string[]): Promise<Checkpoint | null> {
    for await (const resolved of this.client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: HEAD_SCAN_LIMIT })) {
      const event = resolved.event;
      if (!event || event.streamId.startsWith('$') || (types && !types.includes(event.type))) continue;
      if (!prefixes || prefixes.some((p) => event.streamId.startsWith(p))) return checkpointOf(event.position);
    }
    return null;
  }

  async firstEventAfter(from: Checkpoint | null, prefixes: string[], types?: readonly string[]): Promise<RecordedEvent | null> {
    const fromPosition = from ? positionOf(from) : START;
    for await (const resolved of this.client.readAll({ fromPosition, direction: FORWARDS, maxCount: HEAD_SCAN_LIMIT })) {
      const event = toRecorded(resolved);
      if (!event || (from && compareCheckpoints(event.position, from) <= 0) || (types && !types.includes(event.type))) continue;
      if (prefixes.some((p) => event.streamName.startsWith(p))) return event;
    }
    return null;
  }

  async countAfter(from: Checkpoint | null, prefixes: string[], cap: number, types?: readonly string[]): Promise<number> {
    let count = 0;
    const read = this.client.readAll({ fromPosition: from ? positionOf(from) : START, direction: FORWARDS, maxCount: cap + 1 });
    for await (const resolved of read) {
      const event = resolved.event;
      if (!event?.position || !prefixes.some((p) => event.streamId.startsWith(p))) continue;
      if (types && !types.includes(event.type)) continue;
      // The read starts at `from` inclusive; the count is of what lies after it.
      if (from && compareCheckpoints(checkpointOf(event.position), from) <= 0) continue;
      if (++count >= cap) break;
    }
    return count;
  }

  compare(a: Checkpoint, b: Checkpoint): number {
    return compareCheckpoints(a, b);
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({
      maxCount: 1,
      direction: BACKWARDS,
      fromPosition: END,
      deadline: this.timeoutMs,
    })) {
      break;
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }

  private async lastPositionOf(stream: string) {
    const last = await this.readLastEvent(stream);
    if (!last) throw new Error(`stream ${stream} is empty after an append`);
    return positionOf(last.position);
  }

  private async collect(read: AsyncIterable<ResolvedEvent>): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const recorded = toRecorded(resolved);
        if (recorded) events.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}

/** The id the claiming event is appended with: a UUID derived from the claim, so its claim recognises it. */
function claimEventId(claim: Claim): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([claim.account, claim.source, claim.id, claim.kind, claim.at]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function claimStreamOf(account: string, key: ClaimKey): string {
  return `${CLAIM_STREAM_PREFIX}${createHash('sha256')
    .update(JSON.stringify([account, key.source, key.id]))
    .digest('hex')}`;
}

function redact(connectionString: string): string {
  return connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
