import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, PGLITE_DEFAULTS, createLogger, loadConfig, openDatabase } from '@tally/runtime';

const NAMES = ['shared_buffers', 'work_mem', 'maintenance_work_mem'] as const;

/** Opens the embedded database as `npm start` does with `env`, and reads back the settings it runs with. */
async function settingsOf(env: Record<string, string>): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-pglite-settings-'));
  // A copy of the run's empty database (test/infra/pglite-template.ts): the settings are start
  // parameters, not the folder's, so a copied folder starts with them as a new one does.
  const template = process.env.TALLY_TEST_PGLITE_TEMPLATE;
  if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
  try {
    const config = loadConfig({ METERING_DATA_DIR: dataDir, ...env });
    const db = await openDatabase(config, 'tally', createLogger('silent', 'test'));
    try {
      const { rows } = await db.query<{ name: string; bytes: string }>(
        `select name, pg_size_bytes(current_setting(name))::text as bytes from unnest($1::text[]) as name`,
        [NAMES],
      );
      return Object.fromEntries(rows.map((r) => [r.name, r.bytes]));
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const MiB = (n: number) => String(n * 1024 * 1024);

describe('embedded PGlite starts with the memory settings of the configuration', () => {
  it("given no PGLITE_* variable, when the embedded database opens, then it runs with Tally's defaults, not PGlite's", async () => {
    expect(PGLITE_DEFAULTS).toEqual({ shared_buffers: '16MB', work_mem: '4MB', maintenance_work_mem: '16MB' });
    expect(await settingsOf({})).toEqual({ shared_buffers: MiB(16), work_mem: MiB(4), maintenance_work_mem: MiB(16) });
  });

  it('given every PGLITE_* variable set, when the embedded database opens, then it runs with those', async () => {
    const settings = await settingsOf({
      PGLITE_SHARED_BUFFERS: '8MB',
      PGLITE_WORK_MEM: '2048kB',
      PGLITE_MAINTENANCE_WORK_MEM: '1GB',
    });
    expect(settings).toEqual({ shared_buffers: MiB(8), work_mem: MiB(2), maintenance_work_mem: MiB(1024) });
  });

  it('given a setting PostgreSQL would refuse, when the process starts, then the configuration refuses it first, naming the variable', () => {
    expect(() => loadConfig({ PGLITE_SHARED_BUFFERS: '64kB' })).toThrow(ConfigError);
    expect(() => loadConfig({ PGLITE_SHARED_BUFFERS: '64kB' })).toThrow('PGLITE_SHARED_BUFFERS');
  });
});
