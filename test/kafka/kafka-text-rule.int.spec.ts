import { randomBytes } from 'node:crypto';
import { describeIf, infra } from '../infra/infra';
import { BACKENDS, unique } from '../support/tally';
import { consumeUntil, produce, tallyOnKafka, usageMessage } from './kafka-helpers';

const backend = BACKENDS[BACKENDS.length - 1];

// The text rule lives in the shared validation, so Kafka refuses what HTTP refuses: a NUL in an
// id is dead-lettered with the field named instead of failing (and blocking) its partition.
describeIf(infra.kafkaBrokers, `Kafka intake applies the text rule (${backend})`, () => {
  const kafka = tallyOnKafka(backend);

  it('dead-letters a NUL in the id with VALIDATION_FAILED naming the field, and decides its neighbour', async () => {
    const [account, meter] = [unique('acct'), unique('meter')];
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
    const marker = randomBytes(4).toString('hex');
    const good = `${marker}-good`;
    await produce(kafka.topics.usage, [
      usageMessage({ id: `${marker}-bad\u0000`, subject: account, meter, quantity: 1 }),
      usageMessage({ id: good, subject: account, meter, quantity: 1 }),
    ]);
    const letters = await consumeUntil(kafka.topics.deadLetters, (s) => s.some((m) => m.value?.toString().includes(marker)));
    const letter = letters.find((m) => m.value?.toString().includes(marker))!;
    expect(letter.headers['tally-error-code']).toBe('VALIDATION_FAILED');
    expect(letter.headers['tally-error']).toContain('id: id must be text without control characters');

    await consumeUntil(kafka.topics.decisions, (s) => s.some((m) => m.value?.toString().includes(good)));
    const { rows } = await kafka.tally.runtime.db.query<{ reported: string }>(
      "select data->>'reportedBy' as reported from tally_events where data->>'id' = $1",
      [good],
    );
    expect(rows).toEqual([{ reported: 'kafka' }]);
  });
});
