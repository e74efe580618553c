import { describeIf, eventually, infra } from '../infra/infra';
import { BACKENDS, unique } from '../support/tally';
import { consumeUntil, produce, tallyOnKafka, usageMessage } from './kafka-helpers';

const backend = BACKENDS[BACKENDS.length - 1];

/** A structured-mode usage message whose data carries `items`. */
function itemsMessage(id: string, subject: string, items: unknown) {
  const message = usageMessage({ id, subject, meter: 'x', quantity: 1 });
  const { data: _data, ...event } = JSON.parse(message.value as string);
  return { ...message, value: JSON.stringify({ ...event, data: { items } }) };
}

describeIf(infra.kafkaBrokers, `multi-item usage on Kafka (${backend})`, () => {
  const kafka = tallyOnKafka(backend);

  it('decides a multi-item message as one, with a line per item, and dead-letters a bad one with the reason', async () => {
    const [account, input, output] = [unique('acct'), unique('in'), unique('out')];
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${input}`, { limit: 100 });
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${output}`, { limit: 10 });
    const [good, over, bad] = [unique('good'), unique('over'), unique('bad')];
    await produce(kafka.topics.usage, [
      itemsMessage(good, account, [
        { meter: input, quantity: 60 },
        { meter: output, quantity: 6 },
      ]),
      itemsMessage(over, account, [
        { meter: input, quantity: 30 },
        { meter: output, quantity: 5 },
      ]),
      itemsMessage(bad, account, [
        { meter: input, quantity: 1 },
        { meter: input, quantity: 2 },
      ]),
    ]);
    const seen = await consumeUntil(kafka.topics.decisions, (s) =>
      [good, over].every((id) => s.some((m) => m.value?.toString().includes(id))),
    );
    const decisions = seen.map((m) => JSON.parse(m.value!.toString())).filter((d) => d.account === account);
    expect(decisions).toEqual([
      expect.objectContaining({
        id: good,
        decision: 'accepted',
        items: [expect.objectContaining({ meter: input, usage: 60 }), expect.objectContaining({ meter: output, usage: 6 })],
      }),
      expect.objectContaining({ id: over, decision: 'rejected', reason: 'QUOTA_EXCEEDED', meter: output }),
    ]);
    const letters = await consumeUntil(kafka.topics.deadLetters, (s) => s.some((m) => m.value?.toString().includes(bad)));
    const letter = letters.find((m) => m.value?.toString().includes(bad))!;
    expect(letter.headers['tally-error-code']).toBe('VALIDATION_FAILED');
    expect(letter.headers['tally-error']).toContain('data.items[1].meter');
    await eventually(async () => {
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/quotas/${input}`)).body).toMatchObject({ usage: 60 });
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/quotas/${output}`)).body).toMatchObject({ usage: 6 });
    });
  });
});
