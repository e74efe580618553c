import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { call, freePort, PG_ADMIN_URL, ROOT, startTallyProcess, TOKEN } from './support';

/**
 * The projector catching up a backlog, measured by its CPU per event (docs/benchmarks.md
 * "The projector catching up").
 *
 *   node dist/bench/projector-catchup.cli.js generate <database> [accounts] [usages]
 *     writes a store through Tally (`npm start`, PostgreSQL): usages over `accounts` accounts
 *     (1,000 / 50,000 by default) on a priced meter and a quota'd one, with default credits, a
 *     promotional grant expiring mid-run on every fifth account (recorded by the next decision),
 *     holds committed and released; then stops it and drops the read models (their tables and
 *     checkpoints), so that a run projects the whole store.
 *   node dist/bench/projector-catchup.cli.js run <database> [dist root]
 *     clones `<database>` (a template, so it stays unprojected) and analyzes the clone (as
 *     autovacuum does a live store), starts the built projector
 *     (`start:projector`, no Kafka unless KAFKA_BROKERS is set; node flags from BENCH_NODE_ARGS,
 *     e.g. `--cpu-prof --cpu-prof-dir=…`) from an empty checkpoint, waits until every projection
 *     has reached the store's head, and prints one JSON line: events, seconds, CPU seconds
 *     (/proc user + system, less the CPU of the same process starting on a caught-up store) and
 *     µs per event, its peak RSS, the same for the PostgreSQL server processes serving the projector (when
 *     PostgreSQL runs on this machine), with the load average.
 */
async function main(): Promise<void> {
  const [command, database, ...rest] = process.argv.slice(2);
  if (command === 'generate' && database) await generate(database, Number(rest[0] ?? 1000), Number(rest[1] ?? 50_000));
  else if (command === 'run' && database) console.log(JSON.stringify(await run(database, rest[0] ?? ROOT)));
  else throw new Error('usage: projector-catchup.cli.js generate <database> [accounts] [usages] | run <database> [dist root]');
}

const urlOf = (database: string) => {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
};

async function admin<T>(work: (c: Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

const usage = (account: string, id: string, meter: string, quantity = 1, extra: object = {}) => ({
  specversion: '1.0',
  id,
  source: 'catchup',
  type: 'metering.usage.v1',
  subject: account,
  data: { meter, quantity, ...extra },
});

async function post(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 500) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
}

async function generate(database: string, accounts: number, usages: number): Promise<void> {
  await admin(async (c) => {
    await c.query(`drop database if exists ${database} with (force)`);
    await c.query(`create database ${database}`);
  });
  // With its projector (`npm start`): a commit finds its hold's account in the read models.
  const api = await startTallyProcess({ DATABASE_URL: urlOf(database), METERING_DEFAULT_CREDITS: '1000000' }, 'all');
  try {
    await call(api.url, 'PUT', '/v1/meters/geo', { description: 'priced', creditsPerUnit: 1 });
    await call(api.url, 'PUT', '/v1/meters/ocr', { description: 'quota', defaultQuota: { limit: 40 } });
    const name = (i: number) => `acct-${String(i).padStart(5, '0')}`;
    let next = 0;
    // One request of up to 1,000 usages, round robin over the accounts; every tenth on `ocr`.
    const batch = async (size: number) => {
      const events = Array.from({ length: size }, () => {
        const n = next++;
        return usage(name(n % accounts), `u-${n}`, n % 10 === 9 ? 'ocr' : 'geo', 1 + (n % 3));
      });
      await post(api.url, '/v1/usage', events);
    };
    const batches = async (total: number) => {
      const sizes: number[] = [];
      for (let left = total; left > 0; left -= 1000) sizes.push(Math.min(1000, left));
      // Four requests in flight.
      for (let i = 0; i < sizes.length; i += 4) await Promise.all(sizes.slice(i, i + 4).map(batch));
    };
    await batches(accounts); // every account opens, with its default credits
    const expiresAt = new Date(Date.now() + 20_000).toISOString();
    for (let i = 0; i < accounts; i += 5) {
      await call(api.url, 'POST', `/v1/accounts/${name(i)}/credits`, { id: 'promo', amount: 40, priority: 10, expiresAt });
    }
    const holds = Array.from({ length: Math.ceil(accounts / 4) }, (_, i) => ({ account: name(i * 4), id: `h-${i}` }));
    for (const h of holds) await post(api.url, '/v1/reservations', usage(h.account, h.id, 'geo', 5, { ttlSeconds: 3600 }));
    const half = Math.floor((usages - accounts) / 2);
    await batches(half);
    // The promotional grants expire: the next decision of each of those accounts records it.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now() + 500)));
    for (const [i, h] of holds.entries()) {
      const path = i % 2 === 0 ? '/v1/reservations/commit' : '/v1/reservations/release';
      await post(api.url, path, i % 2 === 0 ? { source: 'catchup', id: h.id, quantity: 3 } : { source: 'catchup', id: h.id });
    }
    await batches(usages - accounts - half);
  } finally {
    await api.stop();
  }
  // The read models go: a run projects the whole store from an empty checkpoint.
  const counts = await admin(async (c) => {
    const { rows } = await c.query(
      `select tablename from pg_tables where schemaname = 'public' and tablename not like 'tally\\_%'`,
    );
    for (const { tablename } of rows) await c.query(`drop table ${tablename}`);
    await c.query('delete from tally_checkpoints');
    return c.query(`select event_type, count(*)::int as n from tally_events group by 1 order by 2 desc`);
  }, urlOf(database));
  console.log(JSON.stringify({ database, events: Object.fromEntries(counts.rows.map((r) => [r.event_type, r.n])) }));
}

/** User + system CPU seconds of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command's ") ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The largest resident set a process has had, in MiB (VmHWM). */
function peakRss(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface Started {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

async function startProjector(databaseUrl: string, distRoot: string): Promise<Started> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-catchup-'));
  const args = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...args, resolve(distRoot, 'dist/apps/projector/src/main.js')], {
    env: {
      PATH: process.env.PATH,
      PROJECTOR_PORT: String(port),
      METERING_DATA_DIR: dataDir,
      METERING_ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      ...(process.env.KAFKA_BROKERS ? { KAFKA_BROKERS: process.env.KAFKA_BROKERS } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 120_000; ;) {
    if (child.exitCode !== null) throw new Error(`projector exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('projector did not become ready');
    }
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    pid: child.pid as number,
    url,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function run(template: string, distRoot: string) {
  const database = `${template}_run_${process.pid}`;
  await admin(async (c) => {
    await c.query(`drop database if exists ${database} with (force)`);
    await c.query(`create database ${database} template ${template}`);
  });
  const url = urlOf(database);
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    // A clone starts without statistics (a template never written to since `generate` has none
    // either, and autovacuum counts no changes in a clone), and on an unanalyzed store the
    // planner reads every page of events by a bitmap scan of all the events after the page's
    // start and an external sort, instead of the ordered index: a live store is analyzed by
    // autovacuum as it grows. Analyzed here, by this connection, whose CPU is not counted.
    await db.query('analyze');
    const patterns = ['account-%', 'meter-%'];
    const { rows } = await db.query(
      `select count(*)::int as n, (select transaction_id::text || ':' || global_position from tally_events
          where stream_id like any($1::text[]) order by transaction_id desc, global_position desc limit 1) as head
         from tally_events where stream_id like any($1::text[])`,
      [patterns],
    );
    const { n: events, head } = rows[0] as { n: number; head: string };
    const loadBefore = loadAverage();
    const started = performance.now();
    const projector = await startProjector(url, distRoot);
    let cpu: number;
    let databaseCpu = 0;
    let peakRssMiB = 0;
    try {
      // PostgreSQL's side: the CPU of the server processes serving this database (the projector's),
      // sampled as the run goes, so that a connection the pool closes midway still counts.
      const backendCpu = new Map<number, number>();
      const sampleBackends = async () => {
        const backends = await db.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
        );
        for (const { pid } of backends.rows) {
          try {
            backendCpu.set(pid, cpuSeconds(pid));
          } catch {
            // not on this machine, or gone
          }
        }
      };
      for (;;) {
        await sampleBackends();
        const behind = await db.query(`select count(*)::int as n from tally_checkpoints where position is distinct from $1`, [
          head,
        ]);
        if (behind.rows[0].n === 0 && (await db.query('select count(*)::int as n from tally_checkpoints')).rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      cpu = cpuSeconds(projector.pid);
      peakRssMiB = peakRss(projector.pid);
      await sampleBackends();
      databaseCpu = [...backendCpu.values()].reduce((a, b) => a + b, 0);
    } finally {
      await projector.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    // What starting costs, on the store it has just caught up (nothing left to project).
    const idle = await startProjector(url, distRoot);
    await new Promise((r) => setTimeout(r, 1000));
    const startup = cpuSeconds(idle.pid);
    await idle.stop();
    const projecting = cpu - startup;
    return {
      events,
      seconds: Number(seconds.toFixed(1)),
      cpuSeconds: cpu,
      startupCpuSeconds: startup,
      cpuMicrosPerEvent: Math.round((projecting / events) * 1e6),
      peakRssMiB,
      databaseCpuSeconds: Number(databaseCpu.toFixed(2)),
      databaseCpuMicrosPerEvent: Math.round((databaseCpu / events) * 1e6),
      load: { before: loadBefore, after: loadAverage() },
      distRoot,
    };
  } finally {
    await db.end();
    await admin((c) => c.query(`drop database if exists ${database} with (force)`));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
