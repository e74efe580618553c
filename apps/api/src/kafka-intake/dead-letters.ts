import { producibleHeaders, type InboundMessage, type OutgoingMessage } from '@tally/runtime';

/** Why a message was dead-lettered: the code and text that go in its headers. */
export interface DeadLetterReason {
  code: string;
  detail: string;
}

/**
 * The original message, byte for byte, with headers naming the error, where it came from and when
 * it failed; a header of the original without a value is left out (kafkajs cannot produce one).
 */
export function deadLetter(
  message: InboundMessage,
  reason: DeadLetterReason,
  source: { topic: string; partition: number },
  failedAt: string,
): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...producibleHeaders(message.headers),
      'tally-error-code': reason.code,
      'tally-error': reason.detail,
      'tally-source-topic': source.topic,
      'tally-source-partition': String(source.partition),
      'tally-source-offset': message.offset,
      'tally-failed-at': failedAt,
    },
  };
}
