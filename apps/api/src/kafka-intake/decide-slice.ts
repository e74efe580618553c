import type { CommandBus } from '@nestjs/cqrs';
import type { UsageRequest } from '@tally/events';
import type { KafkaAdapter, KafkaMessage, Logger, OutgoingMessage } from '@tally/runtime';
import type { Clock } from '../runtime/clock';
import { RequestUsageCommand } from '../usage/request-usage/request-usage.command';
import { deadLetter, type DeadLetterReason } from './dead-letters';
import { decideIsolating } from './isolate-poison';
import { parseKafkaUsage } from './usage-message.parser';

/** Where a slice comes from, for the dead-letter headers and logs. */
export interface SliceSource {
  topic: string;
  partition: number;
}

interface Valid {
  message: KafkaMessage;
  request: UsageRequest;
}

/**
 * Handles one bounded slice of a partition's batch: invalid messages and messages the store
 * refuses go to the dead-letter topic with the reason, the rest are decided (durably appended).
 * Resolves when every message is decided or dead-lettered; throws a failure worth retrying.
 */
export async function decideSlice(
  slice: KafkaMessage[],
  source: SliceSource,
  deps: { kafka: KafkaAdapter; commands: CommandBus; clock: Clock; logger: Logger; deadLettered(code: string): void },
): Promise<void> {
  const valid: Valid[] = [];
  const letters: Array<{ message: KafkaMessage; reason: DeadLetterReason }> = [];
  for (const message of slice) {
    const parsed = parseKafkaUsage(message.value, message.headers);
    if (parsed.ok) valid.push({ message, request: parsed.request });
    else letters.push({ message, reason: parsed.rejection });
  }
  const undecidable = await decideIsolating(
    valid,
    (v) => v.request.subject,
    async (items) =>
      void (await deps.commands.execute(
        new RequestUsageCommand(
          items.map((v) => v.request),
          'kafka',
        ),
      )),
  );
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
  await deps.kafka.send(deps.kafka.topics.deadLetters, outgoing);
  for (const { reason } of letters) deps.deadLettered(reason.code);
}

/** The W3C trace context a message carried (binary mode's `ce_traceparent`, or a plain header), for its log line. */
function traceOf(message: KafkaMessage): string | undefined {
  for (const name of ['ce_traceparent', 'traceparent']) {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined)
      return first
        .toString()
        .replace(/[^\x20-\x7e]/g, '?')
        .slice(0, 128);
  }
  return undefined;
}
