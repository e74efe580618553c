import { Clock } from '@tally/api';
import { describeIf, eventually, infra } from '../infra/infra';
import { BACKENDS, unique, usageEvent, withQuota } from '../support/tally';
import { produce, tallyOnKafka, usageMessage } from './kafka-helpers';

const backend = BACKENDS[BACKENDS.length - 1];

describeIf(infra.kafkaBrokers, `rate limits and usage reported over Kafka (${backend})`, () => {
  const kafka = tallyOnKafka(backend);
  afterEach(() => jest.restoreAllMocks());

  it('accepts usage over the rate from the topic (it has happened), and makes live callers wait for its tokens', async () => {
    // One decision time for both channels, so the bucket's arithmetic is exact.
    const now = new Date(Date.now() - 60_000).toISOString();
    jest.spyOn(kafka.tally.app.get(Clock), 'now').mockReturnValue(now);
    const { account, meter } = await withQuota(kafka.tally, { limit: null, rateLimit: { units: 1, per: 'hour', burst: 2 } });
    const id = unique('k');
    // 5 units against a bucket of 2: refused over HTTP, accepted from Kafka.
    await produce(kafka.topics.usage, [usageMessage({ id, subject: account, meter, quantity: 5 })]);
    await eventually(async () =>
      expect((await kafka.tally.admin.get(`/v1/accounts/${account}/decisions`)).body).toContainEqual(
        expect.objectContaining({ id, decision: 'accepted', quantity: 5, reportedBy: 'kafka' }),
      ),
    );
    // The bucket owes 3 tokens: one more unit is 4 hours of refill away.
    const live = await kafka.tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    expect([live.status, live.headers.get('retry-after'), live.body.reason, live.body.retryAfterMs]).toEqual([
      429,
      '14400',
      'RATE_LIMITED',
      14_400_000,
    ]);
  });
});
