import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../infra/infra';
import { buildPrivately, freePort } from '../support/processes';
import { ADMIN_TOKEN, Client, unique, usageEvent } from '../support/tally';

// A Tally of before PGlite 0.6 is this build run on PGlite 0.3.16 (PostgreSQL 17): the preload
// swaps the PGlite module, and the data folder it leaves is the one such a Tally left in `.data`.
const ON_PGLITE_03 = `--require ${join(__dirname, 'with-pglite-0.3.js')}`;

interface Run {
  output: () => string;
  exited: Promise<number | null>;
  child: ChildProcess;
}

function run(main: string, dataDir: string, port: number, nodeOptions = ''): Run {
  const env = {
    PATH: process.env.PATH,
    PORT: String(port),
    METERING_DATA_DIR: dataDir,
    METERING_ADMIN_TOKEN: ADMIN_TOKEN,
    NODE_OPTIONS: nodeOptions,
  };
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { output: () => output, exited, child };
}

async function ready(port: number): Promise<void> {
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), 90_000);
}

async function stop(tally: Run): Promise<void> {
  tally.child.kill('SIGTERM');
  await tally.exited;
}

const pgVersion = (dir: string) => readFileSync(join(dir, 'PG_VERSION'), 'utf8').trim();

describe('an embedded data folder of PGlite 0.3 (PostgreSQL 17)', () => {
  let build: { dir: string; main: string };
  let dataDir: string;
  beforeAll(() => {
    build = buildPrivately('tally-pglite-upgrade');
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tally-pglite-upgrade-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  afterAll(() => rmSync(build.dir, { recursive: true, force: true }));

  it('is upgraded on start: the accounts, quotas and usage it held answer as before, and the old folder is kept', async () => {
    const [account, meter] = [unique('acct'), unique('m')];
    const port = await freePort();
    const admin = new Client(`http://127.0.0.1:${port}`, ADMIN_TOKEN);

    const old = run(build.main, dataDir, port, ON_PGLITE_03);
    await ready(port);
    expect((await admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 10 })).status).toBe(200);
    expect((await admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 7 }))).status).toBe(200);
    await stop(old);
    expect(pgVersion(join(dataDir, 'pglite'))).toBe('17');

    const upgraded = run(build.main, dataDir, port);
    await ready(port);
    try {
      expect(upgraded.output()).toContain(`upgraded the embedded database in ${join(dataDir, 'pglite')} to PostgreSQL 19`);
      expect(pgVersion(join(dataDir, 'pglite'))).toBe('19');
      const kept = readdirSync(dataDir).filter((name) => name.startsWith('pglite.pg17-'));
      expect(kept).toHaveLength(1);
      expect(pgVersion(join(dataDir, kept[0]))).toBe('17');
      expect(readdirSync(dataDir)).not.toContain('pglite.upgrading');

      const quota = await admin.get(`/v1/accounts/${account}/quotas/${meter}`);
      expect(quota.status).toBe(200);
      expect(quota.body).toMatchObject({ meter, limit: 10 });
      const past = await admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 4 }));
      expect(past.status).toBe(402);
      expect(past.body).toMatchObject({ decision: 'rejected', usage: 7, remaining: 3 });
    } finally {
      await stop(upgraded);
    }
  }, 240_000);

  it('that cannot be read leaves the folder as it was and says what to do', async () => {
    const folder = join(dataDir, 'pglite');
    mkdirSync(folder);
    writeFileSync(join(folder, 'PG_VERSION'), '17\n');
    const broken = run(build.main, dataDir, await freePort());
    expect(await broken.exited).toBe(1);
    expect(broken.output()).toContain(`could not upgrade the embedded database in ${folder} from PostgreSQL 17 (PGlite 0.3)`);
    expect(broken.output()).toContain(
      `The folder is unchanged. Start again to retry; to start empty instead, move ${folder} away.`,
    );
    expect(readdirSync(dataDir)).toEqual(['pglite']);
    expect(readdirSync(folder)).toEqual(['PG_VERSION']);
  }, 120_000);

  it('of another PostgreSQL is refused at start, naming the folder and the ways out', async () => {
    const folder = join(dataDir, 'pglite');
    mkdirSync(folder);
    writeFileSync(join(folder, 'PG_VERSION'), '20\n');
    const refused = run(build.main, dataDir, await freePort());
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain(`the embedded database in ${folder} was made by PostgreSQL 20`);
    expect(refused.output()).toContain(`move ${folder} away to start with an empty database`);
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
  }, 120_000);
});
