import { describeIf, infra } from '../infra/infra';
import { BACKENDS, unique } from '../support/tally';
import { consumeUntil, produce, tallyOnKafka, usageMessage } from './kafka-helpers';

const backend = BACKENDS[BACKENDS.length - 1];

describeIf(infra.kafkaBrokers, `alerts on metering.alerts.v1 (${backend})`, () => {
  const kafka = tallyOnKafka(backend);

  it('publishes the alert a usage from Kafka raised, keyed by account, in the CloudEvents binary binding', async () => {
    const [account, meter] = [unique('acct'), unique('meter')];
    await kafka.tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, alertAt: [50, 100] });
    const ids = [unique('k'), unique('k')];
    await produce(kafka.topics.usage, [
      usageMessage({ id: ids[0], subject: account, meter, quantity: 6 }),
      usageMessage({ id: ids[1], subject: account, meter, quantity: 1 }),
    ]);
    const seen = await consumeUntil(kafka.topics.alerts, (s) => s.some((m) => m.key === account));
    const mine = seen.filter((m) => m.key === account);
    expect(mine).toHaveLength(1);
    const alert = JSON.parse(mine[0].value!.toString());
    expect(alert).toEqual({
      id: expect.stringMatching(/^alrt_/),
      account,
      meter,
      kind: 'quota.threshold',
      threshold: 50,
      usage: 6,
      limit: 10,
      period: expect.stringMatching(/^\d{4}-\d{2}$/),
      raisedAt: expect.any(String),
    });
    expect(mine[0].headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'metering.alert.v1',
      ce_id: alert.id,
      ce_source: `/accounts/${account}`,
      ce_subject: account,
      ce_time: alert.raisedAt,
      'content-type': 'application/json',
    });
    // The decisions go on as before, on their own topic.
    await consumeUntil(kafka.topics.decisions, (s) => ids.every((id) => s.some((m) => m.value?.toString().includes(id))));
    // Each relay keeps its own checkpoint.
    const { rows } = await kafka.tally.runtime.db.query<{ name: string }>(
      'select name from tally_relay_checkpoints order by name',
    );
    expect(rows.map((r) => r.name)).toEqual([`alerts:${kafka.topics.alerts}`, `decisions:${kafka.topics.decisions}`, 'webhooks']);
  });
});
