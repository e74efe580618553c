import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { BACKENDS, startTally, unique, usageEvent } from '../support/tally';

const ROOT = resolve(__dirname, '../..');

describe.each(BACKENDS)('npm run projections:rebuild (%s)', (backend) => {
  beforeAll(() => execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' }), 60_000);

  it('rebuilds the read models from the whole store, printing progress, with the server stopped', async () => {
    const tally = await startTally(backend);
    const [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
    await tally.admin.post(
      '/v1/usage',
      Array.from({ length: 40 }, () => usageEvent({ subject: account, meter, quantity: 2 })),
    );
    await tally.stop();

    const env = {
      PATH: process.env.PATH,
      METERING_DATA_DIR: tally.location.dataDir,
      ...(tally.location.databaseUrl ? { DATABASE_URL: tally.location.databaseUrl } : {}),
    };
    const run = spawnSync(
      process.execPath,
      [resolve(ROOT, 'dist/apps/projector/src/rebuild.js'), 'usage_monthly_v1', 'decisions_v4'],
      {
        env,
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('rebuilding decisions_v4, usage_monthly_v1 up to');
    expect(run.stdout).toMatch(/\d+ events projected, [\d,]+\/s/);
    expect(run.stdout).toMatch(/rebuilt in \d+\.\d s/);

    const unknown = spawnSync(process.execPath, [resolve(ROOT, 'dist/apps/projector/src/rebuild.js'), 'nope_v9'], {
      env,
      encoding: 'utf8',
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stdout).toContain('unknown projections: nope_v9');

    const again = await startTally(backend, { location: tally.location });
    try {
      const month = new Date().toISOString().slice(0, 7);
      expect((await again.admin.get(`/v1/accounts/${account}/usage?from=${month}&to=${month}`)).body).toEqual([
        { month, meter, units: 80, requests: 40, rejected: 0 },
      ]);
      expect((await again.admin.get(`/v1/accounts/${account}/decisions?limit=1000`)).body).toHaveLength(40);
    } finally {
      await again.destroy();
    }
  }, 60_000);
});
