import type { DecideUsage } from '@tally/domain';
import type { UsageMessage } from '@tally/events';
import { createLogger, type KafkaAdapter, type InboundMessage, type OutgoingMessage } from '@tally/runtime';
import { decideSlice } from './decide-slice';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function message(offset: string, value: string, headers: InboundMessage['headers'] = {}): InboundMessage {
  return { key: Buffer.from('alice'), value: Buffer.from(value), headers, offset };
}

/** A slice decided with nothing valid in it: what was sent to the dead-letter topic, the log lines, the codes counted. */
async function deadLettering(messages: InboundMessage[], now: string) {
  const sent: OutgoingMessage[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(JSON.parse(line)) });
  const kafka = {
    topics: { usage: 'usage', decisions: 'decisions', deadLetters: 'dlq' },
    send: async (_topic: string, out: OutgoingMessage[]) => void sent.push(...out),
  } as unknown as KafkaAdapter;
  const decider = { commands: async () => [], decide: async () => undefined };
  const codes: string[] = [];
  await decideSlice(
    messages,
    { topic: 'usage', partition: 0 },
    { kafka, decider, clock: { now: () => now }, logger, deadLettered: (code) => codes.push(code) },
  );
  return { sent, lines, codes };
}

describe('deciding a slice of usage messages', () => {
  it('dead-letters an invalid message with its reason, and logs it with the trace context it carried', async () => {
    const { sent, lines, codes } = await deadLettering(
      [message('7', '{"specversion":"1.0"', { ce_traceparent: Buffer.from(TRACEPARENT) })],
      '2026-11-30T05:00:00.000Z',
    );

    expect(codes).toEqual(['MALFORMED_JSON']);
    expect(sent).toHaveLength(1);
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'usage message dead-lettered',
        offset: '7',
        code: 'MALFORMED_JSON',
        traceparent: TRACEPARENT,
      }),
    ]);
  });
});

describe('a consumed header without a value (Kafka allows one; kafkajs reads it as null)', () => {
  // kafkajs's own record encoder (the module's original export when the adapter installed Tally's).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's internal module: no import path
  const loaded = require('kafkajs/src/protocol/recordBatch/record/v0') as ((fields: object) => unknown) & {
    original?: (fields: object) => unknown;
  };
  const kafkajsRecord = loaded.original ?? loaded;

  it('dead-letters the message without that header, in a record kafkajs can encode, and logs it', async () => {
    // given a bad message from a producer that sent headers without a value beside a trace context
    const headers = {
      traceparent: null,
      'x-empty': null,
      'x-some': [null, Buffer.from('kept')],
      ce_traceparent: Buffer.from(TRACEPARENT),
    };

    // when its slice is decided
    const { sent, lines } = await deadLettering([message('9', '{"specversion":"1.0"', headers)], '2026-12-07T20:00:00.000Z');

    // then the dead letter keeps every header with a value, leaves out those without, and encodes
    expect(sent).toHaveLength(1);
    const dead = sent[0].headers as Record<string, unknown>;
    expect(Object.keys(dead)).not.toContain('traceparent');
    expect(Object.keys(dead)).not.toContain('x-empty');
    expect(dead['x-some']).toEqual([Buffer.from('kept')]);
    expect(dead.ce_traceparent).toEqual(Buffer.from(TRACEPARENT));
    expect(dead['tally-error-code']).toBe('MALFORMED_JSON');
    expect(() => kafkajsRecord({ key: sent[0].key, value: sent[0].value, headers: dead })).not.toThrow();
    // and the log line carries the trace context that has a value
    expect(lines).toEqual([expect.objectContaining({ offset: '9', traceparent: TRACEPARENT })]);
  });
});

describe('routing a slice by the aggregate that decides each account', () => {
  const NOW = '2026-12-07T19:00:00.000Z';
  const usage = (i: number, subject: string) =>
    message(
      String(i),
      JSON.stringify({
        specversion: '1.0',
        id: `u-${i}`,
        source: 'test',
        type: 'metering.usage.v1',
        subject,
        data: { meter: 'm', quantity: 1 },
      }),
    );

  function setup(cached: Record<string, string>, trees: Record<string, string> = {}) {
    const sent: Array<{ topic: string; messages: OutgoingMessage[] }> = [];
    const decided: string[] = [];
    const reads: string[] = [];
    const kafka = {
      topics: { usage: 'usage', usageByAccount: 'by-account', decisions: 'decisions', deadLetters: 'dlq' },
      // Partition 0 owns every account but "elsewhere".
      partitionOf: (key: string) => (key === 'elsewhere' ? 1 : 0),
      send: async (topic: string, messages: OutgoingMessage[]) => void sent.push({ topic, messages }),
    } as unknown as KafkaAdapter;
    const decider = {
      commands: async (requests: UsageMessage[]) =>
        requests.map((usage) => ({
          type: 'DecideUsage',
          account: usage.subject,
          usage,
          meter: null,
          reportedBy: 'kafka',
          now: NOW,
        })) as DecideUsage[],
      decide: async (commands: DecideUsage[]) => void decided.push(...commands.map((c) => c.usage.id)),
      aggregateOf: async (account: string) => {
        reads.push(account);
        return trees[account] ?? account;
      },
      cachedAggregateOf: (account: string) => cached[account],
    };
    const deps = {
      kafka,
      decider,
      clock: { now: () => NOW },
      logger: createLogger('silent', 'test'),
      deadLettered: () => undefined,
    };
    return { sent, decided, reads, deps };
  }

  it('routes cached accounts without reading them, and reads each other account once', async () => {
    // given two cached accounts (one a member of a tree rooted elsewhere) and one not cached
    const { sent, decided, reads, deps } = setup({ alice: 'alice', bob: 'elsewhere' });
    const slice = [usage(1, 'alice'), usage(2, 'bob'), usage(3, 'carol'), usage(4, 'carol'), usage(5, 'alice')];

    // when the slice from the usage topic is decided
    await decideSlice(slice, { topic: 'usage', partition: 0 }, deps);

    // then only the uncached account was read, once; bob's usage went to its root's owner, keyed by the root
    expect(reads).toEqual(['carol']);
    expect(decided).toEqual(['u-1', 'u-3', 'u-4', 'u-5']);
    expect(sent).toEqual([{ topic: 'by-account', messages: [expect.objectContaining({ key: 'elsewhere', partition: 1 })] }]);
  });

  it('decides what the repartition topic holds where it is, looking nothing up', async () => {
    // given usage already routed to this partition of the repartition topic, its accounts not cached
    const { sent, decided, reads, deps } = setup({}, { dave: 'elsewhere' });

    // when the slice is decided
    await decideSlice([usage(1, 'dave'), usage(2, 'erin')], { topic: 'by-account', partition: 0 }, deps);

    // then both are decided here, and no aggregate was read for routing
    expect(reads).toEqual([]);
    expect(decided).toEqual(['u-1', 'u-2']);
    expect(sent).toEqual([]);
  });
});
