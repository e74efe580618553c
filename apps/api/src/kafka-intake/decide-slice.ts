import type { DecideUsage } from '@tally/domain';
import { producibleHeaders, type InboundMessage, type KafkaAdapter, type Logger, type OutgoingMessage } from '@tally/runtime';
import type { Clock } from '../runtime/clock';
import { deadLetter, type DeadLetterReason } from './dead-letters';
import { decideIsolating } from './isolate-poison';
import type { UsageDecider } from './usage-decider';
import { parseKafkaUsage } from './usage-message.parser';

/** Where a slice comes from, for the dead-letter headers and logs. */
export interface SliceSource {
  topic: string;
  partition: number;
}

interface Valid {
  message: InboundMessage;
  command: DecideUsage;
}

/** What deciding a slice needs. */
export interface SliceDeps {
  kafka: KafkaAdapter;
  decider: UsageDecider;
  clock: Clock;
  logger: Logger;
  deadLettered(code: string): void;
}

/**
 * Handles one bounded slice of a partition's batch: invalid messages and messages the store
 * refuses go to the dead-letter topic with the reason; a usage read from `metering.usage.v1`
 * whose account belongs to another partition (a subject pooled into an account keyed
 * elsewhere, or an account of a tree whose root is keyed elsewhere) is forwarded, byte for
 * byte and keyed by account (by the tree's root), to that partition of the
 * repartition topic, whose owner decides it; the rest are decided (durably appended) here.
 * Resolves when every message is decided, forwarded or dead-lettered; throws a failure worth
 * retrying (the caller retries the whole slice: deciding and forwarding again are idempotent).
 */
export async function decideSlice(slice: InboundMessage[], source: SliceSource, deps: SliceDeps): Promise<void> {
  const { kafka } = deps;
  const parsed: Array<{ message: InboundMessage; request: Valid['command']['usage'] }> = [];
  const letters: Array<{ message: InboundMessage; reason: DeadLetterReason }> = [];
  for (const message of slice) {
    const result = parseKafkaUsage(message.value, message.headers);
    if (result.ok) parsed.push({ message, request: result.request });
    else letters.push({ message, reason: result.rejection });
  }
  const now = deps.clock.now();
  const commands = await deps.decider.commands(
    parsed.map((p) => p.request),
    now,
  );
  // Routed by the aggregate that decides the account: a tree's members all go to its root's owner.
  // Only usage read from the usage topic moves (the repartition topic's is where it belongs), and
  // each account of the slice is looked up once (most send several usages): a cached account at
  // once, the others read together.
  const rerouting = source.topic === kafka.topics.usage;
  const routes = rerouting ? await aggregatesOf(commands, now, deps.decider) : null;
  const local: Valid[] = [];
  const forward: OutgoingMessage[] = [];
  for (let i = 0; i < parsed.length; i++) {
    const { message } = parsed[i];
    const command = commands[i];
    const route = routes === null ? null : (routes.get(command.account) as string);
    const owner = route === null ? source.partition : kafka.partitionOf(route);
    if (owner === source.partition) local.push({ message, command });
    else forward.push({ key: route, value: message.value, headers: producibleHeaders(message.headers), partition: owner });
  }
  const forwarding = forward.length > 0 ? kafka.send(kafka.topics.usageByAccount, forward) : null;
  // Seen by the caller even if deciding throws first: a failed forward is retried with the slice.
  forwarding?.catch(() => undefined);
  const undecidable = await decideIsolating(
    local,
    (v) => v.command.usage.subject,
    (items) => deps.decider.decide(items.map((v) => v.command)),
  );
  await forwarding;
  for (const { item, failure } of undecidable) letters.push({ message: item.message, reason: failure });
  if (letters.length === 0) return;
  const failedAt = deps.clock.now();
  const outgoing: OutgoingMessage[] = letters.map(({ message, reason }) => {
    deps.logger.warn(
      {
        topic: source.topic,
        partition: source.partition,
        offset: message.offset,
        code: reason.code,
        detail: reason.detail,
        traceparent: traceOf(message),
      },
      'usage message dead-lettered',
    );
    return deadLetter(message, reason, source, failedAt);
  });
  await kafka.send(kafka.topics.deadLetters, outgoing);
  for (const { reason } of letters) deps.deadLettered(reason.code);
}

/**
 * The aggregate of each account the commands name, by account: what the decider knows without
 * reading ({@link UsageDecider.cachedAggregateOf}), the rest looked up together; the account
 * itself when the decider cannot tell.
 */
async function aggregatesOf(commands: DecideUsage[], now: string, decider: UsageDecider): Promise<Map<string, string>> {
  const aggregates = new Map<string, string>();
  const reads: Array<Promise<unknown>> = [];
  for (const { account } of commands) {
    if (aggregates.has(account)) continue;
    const known = decider.aggregateOf ? decider.cachedAggregateOf?.(account) : account;
    aggregates.set(account, known ?? account);
    if (known === undefined)
      reads.push(
        (decider.aggregateOf as NonNullable<UsageDecider['aggregateOf']>)(account, now).then((a) => aggregates.set(account, a)),
      );
  }
  if (reads.length > 0) await Promise.all(reads);
  return aggregates;
}

/** The W3C trace context a message carried (binary mode's `ce_traceparent`, or a plain header), for its log line. */
function traceOf(message: InboundMessage): string | undefined {
  for (const name of ['ce_traceparent', 'traceparent']) {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== null)
      return first
        .toString()
        .replace(/[^\x20-\x7e]/g, '?')
        .slice(0, 128);
  }
  return undefined;
}
