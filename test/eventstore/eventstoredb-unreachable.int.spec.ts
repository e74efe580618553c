import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EsdbEventStore } from '@tally/eventstore';
import { infra } from '../infra/infra';

const ROOT = resolve(__dirname, '../..');
// Nothing listens on port 1: the connection is refused at once.
const NOWHERE = 'esdb://127.0.0.1:1?tls=false';

describe('EVENT_STORE=eventstoredb with the server unreachable', () => {
  beforeAll(() => execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' }), 60_000);

  it('the adapter refuses to start, naming the server', async () => {
    await expect(EsdbEventStore.connect(NOWHERE)).rejects.toThrow(
      /EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false is unreachable/,
    );
  });

  it.each([
    ['api', 'dist/apps/api/src/main.js'],
    ['projector', 'dist/apps/projector/src/main.js'],
  ])('the %s process exits at once with a clear message', (_name, entry) => {
    const started = Date.now();
    const run = spawnSync(process.execPath, [resolve(ROOT, entry)], {
      env: {
        PATH: process.env.PATH,
        EVENT_STORE: 'eventstoredb',
        ESDB_CONNECTION_STRING: NOWHERE,
        DATABASE_URL: infra.postgresUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        METERING_ADMIN_TOKEN: 'unreachable-test-admin-token',
        PORT: '0',
        PROJECTOR_PORT: '0',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const fatal = run.stdout.split('\n').find((line) => line.includes('"level":60'));
    expect(JSON.parse(fatal!).msg).toMatch(/EventStoreDB at esdb:\/\/127\.0\.0\.1:1\?tls=false is unreachable/);
  });

  it('refuses EVENT_STORE=eventstoredb without a connection string', () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], {
      env: { PATH: process.env.PATH, EVENT_STORE: 'eventstoredb' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('EVENT_STORE=eventstoredb needs ESDB_CONNECTION_STRING');
  });

  // Here because this suite already builds dist: the same start-up path refuses a weak admin token.
  it('refuses a METERING_ADMIN_TOKEN shorter than 16 characters, naming the variable but never its value', () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], {
      env: { PATH: process.env.PATH, METERING_ADMIN_TOKEN: 'Qw3rty-sh0rt', PORT: '0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('METERING_ADMIN_TOKEN must be at least 16 characters');
    expect(run.stdout + run.stderr).not.toContain('Qw3rty-sh0rt');
    // A configuration mistake is one sentence for the operator, not a stack trace.
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
  });

  it('says a port in use in one sentence', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = String((taken.address() as AddressInfo).port);
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-port-taken-'));
    try {
      const run = spawnSync(process.execPath, [resolve(ROOT, 'dist/apps/api/src/main.js')], {
        env: {
          PATH: process.env.PATH,
          METERING_ADMIN_TOKEN: 'a-long-enough-admin-token',
          PORT: port,
          METERING_DATA_DIR: dataDir,
        },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stdout).toContain(`port ${port} is already in use`);
      expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
