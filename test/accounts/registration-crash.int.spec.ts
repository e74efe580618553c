import { Client } from 'pg';
import { createTestDatabase, describeIf, infra } from '../infra/infra';
import { apiProcess } from '../support/api-process';
import { freePort } from '../support/dedicated';
import { usageEvent } from '../support/tally';
import { build } from '../kafka/fault-support';

/** The account's events in the store, by stream and type. */
async function eventsOf(url: string, account: string): Promise<Array<{ stream: string; type: string }>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ stream: string; type: string }>(
      `select stream_id as stream, split_part(event_type, '.', 1) as type from tally_events
        where stream_id = $1 or stream_id like $2 order by global_position`,
      [`account-${account}`, `account-${account}/%`],
    );
    return rows;
  } finally {
    await db.end();
  }
}

describeIf(infra.postgresUrl, 'a real api process SIGKILLed between registering an account and writing its first period', () => {
  it('leaves a registered period that the next process opens with the default credits once, and no orphaned stream', async () => {
    build();
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, METERING_DEFAULT_CREDITS: '100', LOG_LEVEL: 'warn' };
    const crashing = apiProcess(
      { ...env, PORT: String(await freePort()), TALLY_FAULT: 'kill-after-registration' },
      { apiOnly: true },
    );
    try {
      await crashing.start();
      await crashing.admin.put('/v1/meters/ocr', { creditsPerUnit: 1 });
      await expect(
        crashing.admin.post('/v1/usage', usageEvent({ subject: 'crashed', meter: 'ocr', quantity: 1, id: 'u1' })),
      ).rejects.toThrow();
      await crashing.kill('SIGKILL');
      expect(crashing.child().signalCode).toBe('SIGKILL');
      expect(await eventsOf(database.url, 'crashed')).toEqual([{ stream: 'account-crashed', type: 'AccountOpened' }]);

      const next = apiProcess({ ...env, PORT: String(await freePort()) }, { apiOnly: true });
      await next.start();
      try {
        const first = await next.admin.post('/v1/usage', usageEvent({ subject: 'crashed', meter: 'ocr', quantity: 1, id: 'u1' }));
        expect(first.body).toMatchObject({ decision: 'accepted' });
        const again = await next.admin.post('/v1/usage', usageEvent({ subject: 'crashed', meter: 'ocr', quantity: 1, id: 'u2' }));
        expect(again.body).toMatchObject({ decision: 'accepted' });
        const events = await eventsOf(database.url, 'crashed');
        expect(events.filter((e) => e.type === 'CreditsGranted')).toHaveLength(1);
        const month = new Date().toISOString().slice(0, 7);
        expect([...new Set(events.map((e) => e.stream))].sort()).toEqual(['account-crashed', `account-crashed/${month}`]);
      } finally {
        await next.kill('SIGTERM');
      }
    } finally {
      await crashing.kill('SIGKILL');
      await database.drop();
    }
  }, 240_000);
});
