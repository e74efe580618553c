import autocannon from 'autocannon';
import { fork, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KafkaUsagePublisher } from '@tally/client';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { cpuSecondsOf, firstMessage } from './forked-process';
import { API_NODE_FLAGS, freePort, freshDatabase, waitUntil } from './support';

const run = promisify(execFile);

/** An HTTP baseline's figures: requests answered per second, their p99, the server's CPU per request. */
export interface HttpBaseline {
  rps: number;
  p99Ms: number;
  /** The server process's CPU (user + system) over the run ÷ requests answered, in milliseconds. */
  cpuMsPerRequest: number | null;
}

/** A bare node:http JSON echo under the same autocannon load as Tally's HTTP scenarios. */
export function nodeHttpBaseline(connections: number, seconds: number): Promise<HttpBaseline> {
  return serverBaseline('echo-server.js', process.execArgv, connections, seconds);
}

/**
 * NestJS on @nestjs/platform-fastify with one no-op `POST /v1/usage` route (nest-floor-server.ts),
 * started with the Node flags Tally's api gets, under the same load as the node:http echo: what
 * the framework Tally is built on answers on this machine with no Tally work.
 */
export function nestFastifyBaseline(connections: number, seconds: number): Promise<HttpBaseline> {
  return serverBaseline('nest-floor-server.js', API_NODE_FLAGS, connections, seconds);
}

/** A baseline server forked from `script` (it sends a message once listening), loaded by autocannon with one usage body. */
async function serverBaseline(script: string, execArgv: string[], connections: number, seconds: number): Promise<HttpBaseline> {
  const port = await freePort();
  const child = fork(join(__dirname, script), { env: { PORT: String(port) }, execArgv, stdio: 'inherit' });
  try {
    await firstMessage(child, script);
    const body = JSON.stringify({
      specversion: '1.0',
      id: 'baseline',
      source: 'bench',
      type: 'metering.usage.v1',
      subject: 'acct-1',
      data: { meter: 'bench', quantity: 1 },
    });
    const cpuBefore = await cpuSecondsOf(child);
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/v1/usage`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const cpuSeconds = (await cpuSecondsOf(child)) - cpuBefore;
    const ok = result['2xx'];
    return {
      rps: Math.round(ok / seconds),
      p99Ms: result.latency.p99,
      cpuMsPerRequest: ok > 0 ? Math.round((1e6 * cpuSeconds) / ok) / 1000 : null,
    };
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

/** The kafkajs pipe's figures. */
export interface KafkaPipeBaseline {
  eventsPerSecond: number;
  /** How long publishing the usages took (the load generator's own pace bounds the pipe's). */
  produceMs: number;
  /** The pipe process's CPU seconds (user + system) from the first produce to the last message read back. */
  cpuSeconds: number;
}

/**
 * The least a broker pipeline does with kafkajs (kafka-pipe.ts, forked with the Node flags Tally's
 * api gets): consume the usage messages, produce one message per usage to a second topic, commit
 * the offsets. Timed as the Kafka scenario is: `events` usages published as it publishes them (the
 * same client, batch size, subjects and partition count), from the first produce until a reader
 * has the last piped message.
 */
export async function kafkaPipeBaseline(
  brokers: string,
  events: number,
  accounts: number,
  partitions: number,
): Promise<KafkaPipeBaseline> {
  const prefix = `benchpipe${randomBytes(3).toString('hex')}.`;
  const [from, to] = [`${prefix}usage`, `${prefix}piped`];
  const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'bench-pipe-baseline', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const reader = kafka.consumer({ groupId: `${prefix}reader` });
  let pipe: ChildProcess | null = null;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [from, to].map((topic) => ({ topic, numPartitions: partitions })),
    });
    const child = fork(join(__dirname, 'kafka-pipe.js'), {
      env: {
        PIPE_BROKERS: brokers,
        PIPE_FROM: from,
        PIPE_TO: to,
        PIPE_GROUP: `${prefix}pipe`,
        PIPE_PARTITIONS: String(partitions),
      },
      // kafkajs 2.2.4 schedules a negative timeout that Node 24 warns of (docs/platform.md); Tally's
      // processes log it at debug, the bench's own processes silence it.
      execArgv: [...API_NODE_FLAGS, '--disable-warning=TimeoutNegativeWarning'],
      stdio: 'inherit',
    });
    pipe = child;
    // The reader joins its group while the pipe starts and joins its own.
    const pipeReady = firstMessage(child, 'kafka pipe');
    pipeReady.catch(() => undefined);
    let piped = 0;
    let lastPipedAt = 0;
    await reader.connect();
    await reader.subscribe({ topics: [to], fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        piped += batch.messages.length;
        lastPipedAt = Date.now();
      },
    });
    await pipeReady;
    const publisher = new KafkaUsagePublisher({ brokers: brokers.split(','), source: 'bench', topic: from, batchSize: 1000 });
    await publisher.connect();
    const inputs = Array.from({ length: events }, (_, i) => ({ subject: `acct-${i % accounts}`, meter: 'bench', quantity: 1 }));
    const cpuBefore = await cpuSecondsOf(child);
    const started = Date.now();
    await publisher.publish(inputs);
    const produceMs = Date.now() - started;
    await publisher.disconnect();
    await waitUntil(async () => {
      if (!running(child)) throw new Error('the kafka pipe exited');
      return piped >= events;
    }, 300_000);
    const cpuSeconds = Math.round(((await cpuSecondsOf(child)) - cpuBefore) * 10) / 10;
    return { eventsPerSecond: Math.round(events / ((lastPipedAt - started) / 1000)), produceMs, cpuSeconds };
  } finally {
    await reader.disconnect();
    if (pipe && running(pipe)) {
      const child = pipe;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await admin.deleteTopics({ topics: [from, to] }).catch(() => undefined);
    await admin.disconnect();
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
