import { createLogger, type KafkaAdapter, type InboundMessage, type OutgoingMessage } from '@tally/runtime';
import { decideSlice } from './decide-slice';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function message(offset: string, value: string, headers: InboundMessage['headers'] = {}): InboundMessage {
  return { key: Buffer.from('alice'), value: Buffer.from(value), headers, offset };
}

describe('deciding a slice of usage messages', () => {
  it('dead-letters an invalid message with its reason, and logs it with the trace context it carried', async () => {
    const sent: OutgoingMessage[] = [];
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const kafka = {
      topics: { usage: 'usage', decisions: 'decisions', deadLetters: 'dlq' },
      send: async (_topic: string, messages: OutgoingMessage[]) => void sent.push(...messages),
    } as unknown as KafkaAdapter;
    const decider = { commands: async () => [], decide: async () => undefined };
    const codes: string[] = [];

    await decideSlice(
      [message('7', '{"specversion":"1.0"', { ce_traceparent: Buffer.from(TRACEPARENT) })],
      { topic: 'usage', partition: 0 },
      { kafka, decider, clock: { now: () => '2026-11-30T05:00:00.000Z' }, logger, deadLettered: (code) => codes.push(code) },
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
