import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { PG_ADMIN_URL, ROOT } from './support';

/**
 * What one projection's statements cost PostgreSQL (docs/benchmarks.md "The decision log on two
 * bigint columns"):
 *
 *   node dist/bench/projection-cost.cli.js <template> <projection prefix> [dist root]
 *
 * clones `<template>` (a store from `projector-catchup.cli.js generate`, read models dropped),
 * analyzes it, reads the whole store first in pages of 20,000 events, then projects those pages
 * into the one projection whose name starts with the prefix (`decisions_`), with the runner of the
 * build under `[dist root]` on one connection, and prints one JSON line: events, the projection's
 * rows, that connection's server CPU (from /proc), this process's own CPU (the runner's and the
 * projection's JavaScript, decoding the pages included) and wall clock while projecting, per event and
 * per row, the statements sent and their bytes (text and parameters) per event, the CPU split by
 * statement (the first words of its text), its table's size, then
 * drops the clone. The store's read is not counted. CPU is the backend's time on a CPU from
 * /proc/<pid>/schedstat (nanoseconds, so a single statement's is measurable).
 */
async function main(): Promise<void> {
  const [template, prefix, distRoot = ROOT] = process.argv.slice(2);
  if (!template || !prefix) throw new Error('usage: projection-cost.cli.js <template> <projection prefix> [dist root]');
  // The libraries of the build measured (main's or this branch's), not this tool's own.
  const lib = createRequire(resolve(distRoot, 'dist', 'index.js'));
  const { PgClient, SqlEventStore } = lib('./libs/eventstore/src');
  const { PROJECTIONS, PROJECTED_STREAM_PREFIXES, ProjectionRunner, tableOf } = lib('./libs/read-models/src');
  const projection = PROJECTIONS.find((p: { name: string }) => p.name.startsWith(prefix));
  if (!projection) throw new Error(`no projection named ${prefix}…`);

  const database = `${template}_cost_${process.pid}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.query(`create database ${database} template ${template}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${database}`;
  const db = new PgClient(url.toString(), { max: 1 });
  try {
    await db.query('analyze');
    const store = await SqlEventStore.create(db);
    const pages = [];
    for (let from: string | null = null; ;) {
      const page: Array<{ position: string }> = await store.readAllAfter(from, PROJECTED_STREAM_PREFIXES, 20_000);
      if (page.length === 0) break;
      pages.push(page);
      from = page[page.length - 1].position;
    }
    const runner = new ProjectionRunner(db, store, [projection]);
    await runner.init();
    const { rows } = await db.query('select pg_backend_pid() as pid');
    const pid = Number(rows[0].pid);
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    const statements = new Map<string, number>();
    let statementCount = 0;
    let bytesSent = 0;
    const query = Client.prototype.query;
    // Every statement's backend CPU, before and after it (one connection, one statement at a time).
    Client.prototype.query = function (this: Client, ...args: unknown[]) {
      const before = cpuSeconds(pid);
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      if (!(result instanceof Promise)) return result;
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
      const label = text.replace(/\s+/g, ' ').trim().split(' ').slice(0, 4).join(' ');
      const params = (typeof args[0] === 'string' ? args[1] : (args[0] as { values?: unknown[] }).values) ?? [];
      statementCount++;
      bytesSent += Buffer.byteLength(text) + bytesOf(params as unknown[]);
      return result.then((value) => {
        statements.set(label, (statements.get(label) ?? 0) + cpuSeconds(pid) - before);
        return value;
      });
    } as typeof query;
    const cpuBefore = cpuSeconds(pid);
    const processBefore = process.cpuUsage();
    const started = performance.now();
    for (const page of pages) await runner.apply(page);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const used = process.cpuUsage(processBefore);
    const projectorCpu = (used.user + used.system) / 1e6;
    Client.prototype.query = query;
    if (Number((await db.query('select pg_backend_pid() as pid')).rows[0].pid) !== pid) throw new Error('the connection changed');
    const table = tableOf(projection);
    const size = await db.query(
      `select count(*)::int as n, pg_total_relation_size('${table}') as total, pg_relation_size('${table}') as heap from ${table}`,
    );
    const events = pages.reduce((n, p) => n + p.length, 0);
    const n = size.rows[0].n as number;
    console.log(
      JSON.stringify({
        projection: projection.name,
        events,
        rows: n,
        seconds: Number(seconds.toFixed(2)),
        postgresCpuSeconds: Number(cpu.toFixed(2)),
        postgresUsPerEvent: Math.round((cpu * 1e6) / events),
        postgresUsPerRow: Math.round((cpu * 1e6) / n),
        projectorCpuSeconds: Number(projectorCpu.toFixed(2)),
        projectorUsPerEvent: Math.round((projectorCpu * 1e6) / events),
        tableMiB: Number((Number(size.rows[0].heap) / 2 ** 20).toFixed(1)),
        withIndexesMiB: Number((Number(size.rows[0].total) / 2 ** 20).toFixed(1)),
        statementCount,
        bytesSentPerEvent: Math.round(bytesSent / events),
        statements: Object.fromEntries([...statements].map(([label, seconds]) => [label, Number(seconds.toFixed(3))])),
        load,
      }),
    );
  } finally {
    await db.close();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

/** The bytes of a statement's parameters as sent (text, or JSON for what the driver serialises). */
function bytesOf(params: unknown[]): number {
  let bytes = 0;
  for (const p of params) {
    if (p === null || p === undefined) continue;
    bytes += Buffer.byteLength(typeof p === 'string' ? p : JSON.stringify(p));
  }
  return bytes;
}

/** The seconds a process has spent on a CPU, from /proc/<pid>/schedstat (in nanoseconds there). */
function cpuSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
