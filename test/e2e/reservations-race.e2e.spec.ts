import { eventually } from '../infra/infra';
import { BACKENDS, startTally, withQuota, type RunningTally } from '../support/tally';
import { holdEvent } from './hold-event';

describe.each(BACKENDS)('reservations racing a hard limit over HTTP (%s)', (backend) => {
  let tally: RunningTally;

  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  it('holds exactly 100 of 200 concurrent holds of 10 against 1,000; commits of 7 free the rest for new holds', async () => {
    const { account, meter } = await withQuota(tally, { limit: 1000 });
    const first = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        tally.admin.post('/v1/reservations', holdEvent({ id: `first-${i}`, subject: account, meter, quantity: 10 })),
      ),
    );
    const held = first.filter((r) => r.status === 201);
    expect(held).toHaveLength(100);
    expect(first.filter((r) => r.status === 402 && r.body.reason === 'QUOTA_EXCEEDED')).toHaveLength(100);

    const commits = await Promise.all(
      held.map((r) => tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: r.body.id, quantity: 7 })),
    );
    expect(commits.every((r) => r.status === 200 && r.body.quantity === 7)).toBe(true);
    const freed = 100 * (10 - 7);

    const second = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        tally.admin.post('/v1/reservations', holdEvent({ id: `second-${i}`, subject: account, meter, quantity: 10 })),
      ),
    );
    expect(second.filter((r) => r.status === 201)).toHaveLength(freed / 10);
    await eventually(async () =>
      expect((await tally.admin.get(`/v1/accounts/${account}/quotas/${meter}`)).body).toMatchObject({
        usage: 700,
        reserved: 300,
        remaining: 0,
      }),
    );
  });
});
