import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../infra/infra';
import { unique, usageEvent, type Client } from '../support/tally';
import { SecurityServer } from './security-server';

// Issue 18, finding 3 (medium): the webhook filter checked the literal host only, so
// [::ffff:169.254.169.254] and other spellings, metadata names, names resolving to link-local,
// [fd00:ec2::254], 100.100.100.200 were accepted and delivered, [::ffff:127.0.0.1]:port reached a
// local listener, and the delivery log's status, error and duration made it a scanner.

const METADATA = [
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[0:0:0:0:0:ffff:a9fe:a9fe]/',
  'http://2852039166/',
  'http://0xa9fea9fe/',
  'http://0251.0376.0251.0376/',
  'http://169.254.169.254./',
  'http://[fd00:ec2::254]/',
  'http://100.100.100.200/',
  'http://192.0.0.192/',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.GOOGLE.INTERNAL./',
  'http://instance-data.ec2.internal/',
];
const INSIDE = [
  'http://[fe80::1]/',
  'http://10.0.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://[fd12::1]/',
  'http://0.0.0.0/',
];

/** A live local listener that records what reaches it. */
async function listener(): Promise<{ port: number; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as AddressInfo).port, hits, server };
}

/** Raises an alert (50% of a quota) so that every endpoint gets a delivery. */
async function raiseAlert(admin: Client): Promise<void> {
  const [account, meter] = [unique('a'), unique('m')];
  expect((await admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10, alertAt: [50] })).status).toBe(200);
  expect((await admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 6 }))).status).toBe(200);
}

describe('finding 3: webhooks cannot reach inside', () => {
  const servers = new SecurityServer();
  let local: Awaited<ReturnType<typeof listener>>;
  beforeAll(async () => {
    servers.prepare();
    local = await listener();
  }, 120_000);
  afterAll(async () => {
    local.server.close();
    await servers.destroy();
  });

  it('refuses every spelling of a metadata address or name, and inside addresses, when an endpoint is registered', async () => {
    const api = await servers.start();
    for (const url of [...METADATA, ...INSIDE, `http://[::ffff:127.0.0.1]:${local.port}/`, `http://localhost:${local.port}/`]) {
      const reply = await api.admin.post('/v1/webhooks', { url });
      expect([url, reply.status, reply.body.errors?.[0]?.field]).toEqual([url, 400, 'url']);
      expect(reply.body.errors[0].reason).toMatch(/^url is refused: (address|host) /);
    }
    expect((await api.admin.get('/v1/webhooks')).body).toEqual([]);
    await api.kill('SIGKILL');
  }, 90_000);

  it('delivers to [::ffff:127.0.0.1]:port when loopback is allowed, and refuses the same endpoint at delivery when it is not, saying why without timing', async () => {
    const allowed = await servers.start({ WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_RETRY_BASE_MS: '200' });
    const mapped = await allowed.admin.post('/v1/webhooks', { url: `http://[::ffff:127.0.0.1]:${local.port}/mapped` });
    const named = await allowed.admin.post('/v1/webhooks', { url: `http://localhost:${local.port}/named` });
    expect([mapped.status, named.status]).toEqual([201, 201]);
    await raiseAlert(allowed.admin);
    await eventually(() => expect(local.hits.sort()).toEqual(['/mapped', '/named']), 15_000);
    // The attempts the allowed server logged (newest first), so the strict server's are told apart.
    const logged = async (id: string) => ((await allowed.admin.get(`/v1/webhooks/${id}/deliveries`)).body as any[]).length;
    let before = { mapped: 0, named: 0 };
    await eventually(async () => {
      before = { mapped: await logged(mapped.body.id), named: await logged(named.body.id) };
      expect(Math.min(before.mapped, before.named)).toBeGreaterThanOrEqual(1);
    }, 15_000);
    await allowed.kill('SIGKILL');

    // The same data, loopback no longer allowed: the endpoints stay, their deliveries are refused.
    local.hits.length = 0;
    const strict = await servers.start({ WEBHOOK_RETRY_BASE_MS: '200' }, allowed.dataDir);
    await raiseAlert(strict.admin);
    const attempts = async (id: string) => (await strict.admin.get(`/v1/webhooks/${id}/deliveries`)).body as any[];
    await eventually(async () => {
      // A new attempt each, beyond the allowed server's (the list is newest first).
      expect((await attempts(mapped.body.id)).length).toBeGreaterThan(before.mapped);
      expect((await attempts(named.body.id)).length).toBeGreaterThan(before.named);
    }, 15_000);
    const [onMapped] = await attempts(mapped.body.id);
    const [onNamed] = await attempts(named.body.id);
    expect(onMapped).toMatchObject({
      statusCode: null,
      durationMs: 0,
      error: 'refused: address ::ffff:7f00:1 (127.0.0.1) is loopback (set WEBHOOK_ALLOW_LOOPBACK=true to allow it)',
    });
    expect(onNamed).toMatchObject({
      statusCode: null,
      durationMs: 0,
      error: 'refused: host localhost is loopback (set WEBHOOK_ALLOW_LOOPBACK=true to allow it)',
    });
    expect(local.hits).toEqual([]);
    await strict.kill('SIGKILL');
  }, 120_000);
});
