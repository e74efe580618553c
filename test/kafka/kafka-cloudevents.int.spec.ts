import { CloudEvent, Kafka } from 'cloudevents';
import type { Message } from 'kafkajs';
import { describeIf, infra } from '../infra/infra';
import { unique } from '../support/tally';
import { consumeUntil, produce, tallyOnKafka } from './kafka-helpers';

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

// The official SDK's Kafka binding writes the message; kafkajs only carries it.
function asKafkaMessage(message: { headers: Record<string, unknown>; value: unknown }, key: string): Message {
  const headers = Object.fromEntries(
    Object.entries(message.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  );
  const value = typeof message.value === 'string' ? message.value : JSON.stringify(message.value);
  return { key, value, headers: { ...headers, ce_traceparent: TRACE } };
}

describeIf(infra.kafkaBrokers, 'CloudEvents Kafka binding, spoken by the official SDK', () => {
  const kafka = tallyOnKafka('pglite');

  it('decides binary and structured messages carrying a ce_traceparent header, and keeps it with the decision', async () => {
    const [account, meter] = [unique('acct'), unique('meter')];
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 100 });
    const event = (id: string) =>
      new CloudEvent({
        id,
        source: 'sdk-kafka',
        type: 'metering.usage.v1',
        subject: account,
        dataschema: 'https://schemas.example.com/usage/v1.json',
        data: { meter, quantity: 2 },
      });
    const ids = [unique('bin'), unique('str')];
    await produce(kafka.topics.usage, [
      asKafkaMessage(Kafka.binary(event(ids[0])), account),
      asKafkaMessage(Kafka.structured(event(ids[1])), account),
    ]);
    const seen = await consumeUntil(kafka.topics.decisions, (s) =>
      ids.every((id) => s.some((m) => m.value?.toString().includes(id))),
    );
    const decisions = seen.map((m) => JSON.parse(m.value!.toString())).filter((d) => ids.includes(d.id));
    expect(decisions).toEqual(
      ids.map((id) =>
        expect.objectContaining({
          id,
          decision: 'accepted',
          dataschema: 'https://schemas.example.com/usage/v1.json',
          extensions: { traceparent: TRACE },
        }),
      ),
    );
  });
});
