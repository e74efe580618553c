import autocannon from 'autocannon';
import { fork, execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { freePort, freshDatabase, waitUntil } from './support';

const run = promisify(execFile);

/** A bare node:http JSON echo under the same autocannon load as Tally's HTTP scenarios. */
export async function nodeHttpBaseline(connections: number, seconds: number): Promise<{ rps: number; p99Ms: number }> {
  const port = await freePort();
  const child = fork(join(__dirname, 'echo-server.js'), { env: { PORT: String(port) }, stdio: 'inherit' });
  try {
    await new Promise<void>((ready, fail) => {
      child.once('message', () => ready());
      child.once('exit', (code) => fail(new Error(`echo server exited with ${code}`)));
    });
    const body = JSON.stringify({
      specversion: '1.0',
      id: 'baseline',
      source: 'bench',
      type: 'metering.usage.v1',
      subject: 'acct-1',
      data: { meter: 'bench', quantity: 1 },
    });
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      body,
    });
    return { rps: Math.round(result['2xx'] / seconds), p99Ms: result.latency.p99 };
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Single-row insert transactions from 32 clients on the same PostgreSQL, by pgbench (Debian's
 * postgresql-client): what the database commits per second with fsync as configured.
 */
export async function pgInsertBaseline(clients: number, seconds: number): Promise<number | null> {
  const db = await freshDatabase('tally_bench_baseline');
  const dir = mkdtempSync(join(tmpdir(), 'tally-pgbench-'));
  try {
    const script = join(dir, 'insert.sql');
    writeFileSync(script, `insert into baseline (payload) values ('{"meter":"bench","quantity":1}');\n`);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query('create table baseline (id bigserial primary key, payload jsonb not null)');
    await client.end();
    const { stdout } = await run('pgbench', [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      db.url,
    ]);
    const tps = /tps = ([\d.]+)/.exec(stdout);
    return tps ? Math.round(Number(tps[1])) : null;
  } catch (error) {
    console.log(`pgbench baseline not measured: ${(error as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

/** Raw kafkajs consumption of `expected` messages already on `topic`, from the beginning. */
export async function kafkaConsumeBaseline(brokers: string, topic: string, expected: number): Promise<number> {
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-baseline', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${topic}.baseline-${Date.now()}` });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const started = Date.now();
    await consumer.run({
      eachBatch: async ({ batch }) => {
        seen += batch.messages.length;
      },
    });
    await waitUntil(async () => seen >= expected, 300_000);
    return Math.round(expected / ((Date.now() - started) / 1000));
  } finally {
    await consumer.disconnect();
  }
}
