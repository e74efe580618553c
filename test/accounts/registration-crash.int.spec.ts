import { Client } from 'pg';
import { createTestDatabase, describeIf, infra } from '../infra/infra';
import { apiProcess } from '../support/api-process';
import { freePort } from '../support/dedicated';
import { usageEvent } from '../support/tally';
import { build } from '../kafka/fault-support';

const ACCOUNTS = 300;
const subjects = Array.from({ length: ACCOUNTS }, (_, i) => `reg${i}`);

/** Every account's events in the store: its streams and event types, in the order written. */
async function accountsIn(url: string): Promise<Map<string, Array<{ stream: string; type: string }>>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ stream: string; type: string }>(
      `select stream_id as stream, split_part(event_type, '.', 1) as type from tally_events
        where stream_id like 'account-reg%' order by global_position`,
    );
    const accounts = new Map<string, Array<{ stream: string; type: string }>>();
    for (const row of rows) {
      const account = row.stream.slice('account-'.length).split('/')[0];
      accounts.set(account, [...(accounts.get(account) ?? []), row]);
    }
    return accounts;
  } finally {
    await db.end();
  }
}

/** A whole account: its root, and its first period opened with the default credits and its decision. */
const whole = (account: string, month: string) => [
  { stream: `account-${account}`, type: 'AccountOpened' },
  { stream: `account-${account}/${month}`, type: 'PeriodOpened' },
  { stream: `account-${account}/${month}`, type: 'CreditsGranted' },
  { stream: `account-${account}/${month}`, type: 'UsageAccepted' },
];

describeIf(infra.postgresUrl, 'a real api process SIGKILLed while it registers accounts', () => {
  it('leaves each account whole or absent (no root without its period, no orphaned period), and the next process grants default credits once', async () => {
    build();
    const database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, METERING_DEFAULT_CREDITS: '100', LOG_LEVEL: 'warn' };
    const crashing = apiProcess({ ...env, PORT: String(await freePort()) }, { apiOnly: true });
    const month = new Date().toISOString().slice(0, 7);
    try {
      await crashing.start();
      await crashing.admin.put('/v1/meters/ocr', { creditsPerUnit: 1 });
      // Many new accounts at once, killed once a tenth are answered: others are mid-registration.
      let answered = 0;
      const killed = new Promise<void>((done) => {
        for (const subject of subjects) {
          crashing.admin.post('/v1/usage', usageEvent({ subject, meter: 'ocr', quantity: 1, id: `u-${subject}` })).then(
            () => {
              if (++answered === ACCOUNTS / 10) done();
            },
            () => undefined,
          );
        }
      });
      await killed;
      await crashing.kill('SIGKILL');
      expect(crashing.child().signalCode).toBe('SIGKILL');

      const afterCrash = await accountsIn(database.url);
      expect(afterCrash.size).toBeGreaterThanOrEqual(ACCOUNTS / 10);
      for (const [account, events] of afterCrash) expect(events).toEqual(whole(account, month));

      const next = apiProcess({ ...env, PORT: String(await freePort()) }, { apiOnly: true });
      await next.start();
      try {
        for (const subject of subjects) {
          const again = await next.admin.post(
            '/v1/usage',
            usageEvent({ subject, meter: 'ocr', quantity: 1, id: `u-${subject}` }),
          );
          expect(again.body).toMatchObject({ decision: 'accepted' });
        }
        const accounts = await accountsIn(database.url);
        expect([...accounts.keys()].sort()).toEqual([...subjects].sort());
        // A redelivery of a decided usage is answered with its decision and counts nothing.
        for (const [account, events] of accounts) expect(events).toEqual(whole(account, month));
      } finally {
        await next.kill('SIGTERM');
      }
    } finally {
      await crashing.kill('SIGKILL');
      await database.drop();
    }
  }, 240_000);
});
