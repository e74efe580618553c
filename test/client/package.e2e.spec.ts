import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/processes';
import { startTally, unique, type RunningTally } from '../support/tally';

const run = promisify(execFile);

// What a producer's service does with the package: install the tarball, require it from plain Node.
const PROGRAM = `
const { TallyClient, TallyError } = require('@tally/client');
const [url, token, account, meter] = process.argv.slice(2);
const tally = new TallyClient({ baseUrl: url, token, source: 'packed-client' });
(async () => {
  const accepted = await tally.record({ subject: account, meter, quantity: 2, id: 'p-1', extensions: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
  const rejected = await tally.record({ subject: account, meter, quantity: 9, id: 'p-2' });
  const check = await tally.check({ subject: account, meter, quantity: 1 });
  const invalid = await tally.record({ subject: account, meter, quantity: 0 }).catch((e) => e);
  console.log(JSON.stringify({
    accepted: [accepted.decision, accepted.remaining, accepted.extensions],
    rejected: [rejected.decision, rejected.reason],
    check: check.allowed,
    invalid: [invalid instanceof TallyError, invalid.status, invalid.retryable],
  }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('@tally/client as a producer installs it (npm pack)', () => {
  let tally: RunningTally;
  let work: string;
  beforeAll(async () => {
    tally = await startTally('pglite');
    work = mkdtempSync(join(tmpdir(), 'tally-client-pack-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    rmSync(join(ROOT, 'libs/client/dist'), { recursive: true, force: true });
    await tally.destroy();
  });

  it('packs with its built JS and type declarations, installs without kafkajs, and calls a running Tally', async () => {
    await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: join(ROOT, 'libs/client') });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    expect(tarball).toBe('tally-client-0.1.0.tgz');

    const app = join(work, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'producer', version: '1.0.0', private: true }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], { cwd: app });
    const installed = join(app, 'node_modules/@tally/client');
    const files = readdirSync(join(installed, 'dist'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'tally-client.d.ts']));
    expect(readdirSync(join(app, 'node_modules'))).not.toContain('kafkajs');
    const declarations = files.filter((f) => f.endsWith('.d.ts')).map((f) => readFileSync(join(installed, 'dist', f), 'utf8'));
    expect(declarations.join('\n')).not.toMatch(/from ['"]kafkajs['"]|import\(['"]kafkajs['"]\)/);

    const [account, meter] = [unique('pack'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10 });
    writeFileSync(join(app, 'producer.js'), PROGRAM);
    const { stdout } = await run(process.execPath, ['producer.js', tally.url, tally.admin.token!, account, meter], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      accepted: ['accepted', 8, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }],
      rejected: ['rejected', 'QUOTA_EXCEEDED'],
      check: true,
      invalid: [true, 400, false],
    });
  }, 90_000);
});
