import { randomBytes } from 'node:crypto';
import { describeIf, eventually, infra } from '../infra/infra';
import { BACKENDS, storedEventCount, unique, usageEvent } from '../support/tally';
import { consumeUntil, kafkaClient, produce, tallyOnKafka, usageMessage, type Received } from './kafka-helpers';

const backend = BACKENDS[BACKENDS.length - 1];
const decisionsOf = (seen: Received[]) => seen.map((m) => ({ key: m.key, ...JSON.parse(m.value!.toString()) }));

describeIf(infra.kafkaBrokers, `Kafka intake on a real broker (${backend})`, () => {
  const kafka = tallyOnKafka(backend);

  const withQuota = async (limit: number | null) => {
    const [account, meter] = [unique('acct'), unique('meter')];
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit });
    return { account, meter };
  };

  it('creates its topics with the configured partitions', async () => {
    const admin = kafkaClient().admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({
      topics: [kafka.topics.usage, kafka.topics.decisions, kafka.topics.deadLetters],
    });
    await admin.disconnect();
    expect(metadata.topics.map((t) => t.partitions.length)).toEqual([3, 3, 3]);
  });

  it('decides produced usage, publishes each decision keyed by subject, and updates the read models', async () => {
    const { account, meter } = await withQuota(10);
    const ids = [unique('k'), unique('k')];
    await produce(kafka.topics.usage, [
      usageMessage({ id: ids[0], subject: account, meter, quantity: 7 }),
      usageMessage({ id: ids[1], subject: account, meter, quantity: 7 }),
    ]);
    const seen = await consumeUntil(kafka.topics.decisions, (s) =>
      ids.every((id) => s.some((m) => m.value?.toString().includes(id))),
    );
    const mine = decisionsOf(seen).filter((d) => ids.includes(d.id));
    expect(mine).toEqual([
      expect.objectContaining({ key: account, id: ids[0], account, decision: 'accepted', usage: 7, remaining: 3 }),
      expect.objectContaining({ key: account, id: ids[1], decision: 'rejected', reason: 'QUOTA_EXCEEDED' }),
    ]);
    // The relay publishes in the CloudEvents Kafka binary binding.
    expect(seen.find((m) => m.value?.toString().includes(ids[0]))!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'metering.decision.v1',
      ce_source: 'kafka-test',
      ce_id: ids[0],
      ce_subject: account,
      'content-type': 'application/json',
    });
    await eventually(async () =>
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 7 }),
    );
  });

  it('accepts binary-mode CloudEvents (attributes in ce_ headers)', async () => {
    const { account, meter } = await withQuota(null);
    const id = unique('bin');
    await produce(kafka.topics.usage, [
      {
        key: account,
        value: JSON.stringify({ meter, quantity: 4 }),
        headers: {
          ce_specversion: '1.0',
          ce_id: id,
          ce_source: 'binary-svc',
          ce_type: 'metering.usage.v1',
          ce_subject: account,
          'content-type': 'application/json',
        },
      },
    ]);
    const seen = await consumeUntil(kafka.topics.decisions, (s) => s.some((m) => m.value?.toString().includes(id)));
    expect(decisionsOf(seen).find((d) => d.id === id)).toMatchObject({ source: 'binary-svc', quantity: 4, decision: 'accepted' });
  });

  it('dead-letters malformed and invalid messages byte for byte, with the reason, and decides the rest', async () => {
    const { account, meter } = await withQuota(null);
    const marker = randomBytes(4).toString('hex');
    const malformed = Buffer.from(`{"specversion":"1.0", "id": "${marker}-bad",`);
    const invalid = JSON.stringify({
      ...usageEvent({ id: `${marker}-invalid`, subject: account, meter, quantity: 0 }),
      Colour: 'red',
    });
    const goodId = `${marker}-good`;
    const before = await storedEventCount(kafka.tally);
    await produce(kafka.topics.usage, [
      { key: account, value: malformed, headers: { trace: 'abc' } },
      { key: account, value: invalid },
      usageMessage({ id: goodId, subject: account, meter, quantity: 1 }),
    ]);
    const letters = await consumeUntil(
      kafka.topics.deadLetters,
      (s) => s.filter((m) => m.value?.toString().includes(marker)).length >= 2,
    );
    const [bad, wrong] = letters.filter((m) => m.value?.toString().includes(marker));
    expect(bad.value!.equals(malformed)).toBe(true);
    expect(bad.key).toBe(account);
    expect(bad.headers).toMatchObject({
      trace: 'abc',
      'tally-error-code': 'MALFORMED_JSON',
      'tally-source-topic': kafka.topics.usage,
      'tally-source-partition': expect.any(String),
      'tally-source-offset': expect.any(String),
    });
    expect(wrong.value!.toString()).toBe(invalid);
    expect(wrong.headers['tally-error-code']).toBe('VALIDATION_FAILED');
    expect(wrong.headers['tally-error']).toContain('data.quantity: quantity must be at least 1');
    expect(wrong.headers['tally-error']).toContain('Colour: unknown field');
    await consumeUntil(kafka.topics.decisions, (s) => s.some((m) => m.value?.toString().includes(goodId)));
    // Only the good message reached the store (its decision, plus the account's first period).
    expect((await storedEventCount(kafka.tally)) - before).toBeLessThanOrEqual(3);
    const log = (await eventually(async () => {
      const body = (await kafka.tally.admin.get(`/v1/accounts/${account}/decisions`)).body;
      expect(body).toHaveLength(1);
      return body;
    })) as Array<{ id: string }>;
    expect(log[0].id).toBe(goodId);
  });

  it('counts a redelivered message once; the relay publishes its one decision', async () => {
    const { account, meter } = await withQuota(100);
    const message = usageMessage({ id: unique('dup'), subject: account, meter, quantity: 5 });
    const after = unique('after');
    await produce(kafka.topics.usage, [message]);
    await produce(kafka.topics.usage, [message, usageMessage({ id: after, subject: account, meter, quantity: 1 })]);
    const id = JSON.parse(message.value as string).id;
    // Same key, same partition: once the later message's decision is out, the redelivery was handled.
    const seen = await consumeUntil(kafka.topics.decisions, (s) => s.some((m) => m.value?.toString().includes(after)));
    const copies = decisionsOf(seen).filter((d) => d.id === id);
    expect(copies.length).toBeGreaterThanOrEqual(1);
    for (const copy of copies) expect(copy).toEqual(copies[0]);
    expect(copies[0]).toMatchObject({ decision: 'accepted', usage: 5 });
    const { rows } = await kafka.tally.runtime.db.query<{ n: number }>(
      `select count(*)::int as n from tally_events where event_type like 'Usage%' and data->>'id' = $1`,
      [id],
    );
    expect(rows[0].n).toBe(1);
    await eventually(async () =>
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({ usage: 6 }),
    );
  });

  it('commits offsets only up to what was decided', async () => {
    const { account, meter } = await withQuota(null);
    const id = unique('offset');
    await produce(kafka.topics.usage, [usageMessage({ id, subject: account, meter, quantity: 1 })]);
    await consumeUntil(kafka.topics.decisions, (s) => s.some((m) => m.value?.toString().includes(id)));
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${kafka.prefix}group`, topics: [kafka.topics.usage] });
        const ends = await admin.fetchTopicOffsets(kafka.topics.usage);
        // Every partition that holds messages is committed to its end (an empty one may never be).
        const byPartition = new Map(committed.partitions.map((p) => [p.partition, p.offset]));
        for (const end of ends.filter((p) => p.high !== '0'))
          expect([end.partition, byPartition.get(end.partition)]).toEqual([end.partition, end.high]);
      }, 15_000);
    } finally {
      await admin.disconnect();
    }
  });

  it('never exceeds a hard limit with HTTP and Kafka writing to the same account at once', async () => {
    const { account, meter } = await withQuota(1000);
    const kafkaIds = Array.from({ length: 150 }, () => unique('kk'));
    const [, replies] = await Promise.all([
      produce(
        kafka.topics.usage,
        kafkaIds.map((id) => usageMessage({ id, subject: account, meter, quantity: 10 })),
      ),
      Promise.all(
        Array.from({ length: 150 }, () =>
          kafka.tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 10 })),
        ),
      ),
    ]);
    const seen = await consumeUntil(
      kafka.topics.decisions,
      (s) => decisionsOf(s).filter((d) => d.account === account).length >= 300,
      60_000,
    );
    const accepted = decisionsOf(seen).filter((d) => d.account === account && d.decision === 'accepted');
    expect(accepted).toHaveLength(100);
    expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(100);
    await eventually(async () =>
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        usage: 1000,
        remaining: 0,
      }),
    );
  });
});
