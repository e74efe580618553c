import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, describeIf, infra } from '../infra/infra';
import { build, report } from '../kafka/fault-support';

// 1,000,000 is the bench's figure (`npm run bench`, docs/benchmarks.md); CI decides fewer so that
// the suite takes a few minutes on two cores. SCALE_USAGES=1000000 runs the full figure here.
const USAGES = Number(process.env.SCALE_USAGES ?? 30_000);
// Requests of 100 usages: with 1,000 (the bench's), four requests in flight hold some 4,000
// decisions' worth of garbage, which on Node 24 alone puts the heap near the bound whatever the
// account remembers.
const BATCH = Number(process.env.SCALE_BATCH ?? 100);
// The api alone starts around 140 MiB; issue 19's target after 1,000,000 usages is 400 MiB.
const RSS_BOUND_MIB = 400;
// Snapshots are saved every 1,000 events (HANDLER_DEFAULTS.snapshotEvery).
const SNAPSHOT_EVERY = 1000;

/** What bench/account-scale.bench.ts reports. */
interface AccountScaleResult {
  usages: number;
  seconds: number;
  rssMiB: number;
  coldLoadMs: number;
  coldLoad: { fromSnapshot: number; fromStreams: number; eventsRead: number };
  repeatAnsweredOriginal: boolean;
  usageAfterRepeat: number;
  sameAnswersWithoutSnapshots: boolean;
}

/** The bench's scenario, built (`npm run build`), as its own process. */
async function runAccountScale(databaseUrl: string, usages: number, batch: number): Promise<AccountScaleResult> {
  const cli = resolve(__dirname, '../../dist/bench/account-scale.cli.js');
  const { stdout } = await promisify(execFile)(process.execPath, [cli, databaseUrl, String(usages), String(batch)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as AccountScaleResult;
}

describeIf(infra.postgresUrl, `one account with ${USAGES} usages (api alone, PostgreSQL)`, () => {
  let result: AccountScaleResult;
  beforeAll(async () => {
    build();
    const db = await createTestDatabase();
    try {
      result = await runAccountScale(db.url, USAGES, BATCH);
    } finally {
      await db.drop();
    }
    const { usages, seconds, rssMiB, coldLoadMs, coldLoad } = result;
    report('account scale', { usages, seconds, rssMiB, coldLoadMs, eventsReadByColdLoad: coldLoad.eventsRead });
  }, 600_000);

  it('keeps the api under the memory bound', () => {
    expect(result.rssMiB).toBeLessThan(RSS_BOUND_MIB);
  });

  it('loads the account after a restart from a snapshot and a short tail, not its month', () => {
    expect(result.coldLoad).toMatchObject({ fromSnapshot: 1, fromStreams: 0 });
    expect(result.coldLoad.eventsRead).toBeLessThan(SNAPSHOT_EVERY + 100);
  });

  it('answers a redelivery of the first usage with its original decision, counting nothing', () => {
    expect(result.repeatAnsweredOriginal).toBe(true);
    // Every usage, the one after the restart, and the probe the check itself would add.
    expect(result.usageAfterRepeat).toBe(USAGES + 2);
  });

  it('answers alike once every snapshot is deleted', () => {
    expect(result.sameAnswersWithoutSnapshots).toBe(true);
  });
});
