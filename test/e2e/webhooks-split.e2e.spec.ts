import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createTestDatabase, describeIf, eventually, infra } from '../infra/infra';
import { apiProcess, type ApiProcess } from '../support/api-process';
import { ROOT, freePort } from '../support/processes';
import { unique, usageEvent } from '../support/tally';
import { WebhookReceiver } from '../support/webhook-receiver';

interface Projector {
  port: number;
  child: ChildProcess;
}

async function webhooksActive(p: Projector): Promise<number | null> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
    const match = /^tally_webhook_relay_active (\d+)/m.exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

describeIf(infra.postgresUrl, 'split mode: the projector delivers webhooks, one projector of two', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: ApiProcess;
  let env: Record<string, string>;
  const projectors: Projector[] = [];
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    database = await createTestDatabase();
    await receiver.up();
    env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_ALLOW_LOOPBACK: 'true' };
    api = apiProcess({ ...env, PORT: String(await freePort()) }, { apiOnly: true });
    await api.start();
  }, 120_000);
  afterAll(async () => {
    for (const p of projectors) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await api?.kill('SIGKILL');
    await receiver.down();
    await database?.drop();
  });

  const raise = async () => {
    const [account, meter] = [unique('a'), unique('m')];
    await api.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, alertAt: [50] });
    expect((await api.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 6 }))).status).toBe(200);
    return () => receiver.received.filter((r) => r.body.includes(`"${account}"`));
  };

  it('delivers nothing from the api alone; once, from the active projector; and after it died, from the other', async () => {
    expect((await api.admin.post('/v1/webhooks', { url: receiver.url })).status).toBe(201);
    const first = await raise();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(first()).toHaveLength(0);

    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, [`${ROOT}/dist/apps/projector/src/main.js`], {
        env: { PATH: process.env.PATH, ...env, PROJECTOR_PORT: String(port) },
        stdio: 'ignore',
      });
      projectors.push({ port, child });
    }
    await eventually(async () => expect((await Promise.all(projectors.map(webhooksActive))).sort()).toEqual([0, 1]), 30_000);
    await eventually(() => expect(first()).toHaveLength(1), 15_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(first()).toHaveLength(1);

    const active = (await webhooksActive(projectors[0])) === 1 ? projectors[0] : projectors[1];
    const standby = active === projectors[0] ? projectors[1] : projectors[0];
    active.child.kill('SIGKILL');
    const second = await raise();
    await eventually(async () => expect(await webhooksActive(standby)).toBe(1), 30_000);
    await eventually(() => expect(second()).toHaveLength(1), 15_000);
  }, 120_000);
});
