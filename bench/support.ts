import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

// dist/bench/ when built (`npm run bench`), bench/ when a test imports a scenario from source.
export const ROOT = existsSync(resolve(__dirname, '../package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '../..');
export const TOKEN = 'tly_bench-admin-token-0123456789abcdefghijklmnop';
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
    server.on('error', fail);
  });
}

export async function postgresReachable(): Promise<boolean> {
  const client = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether a Kafka cluster answers at `brokers`. */
export async function kafkaReachable(brokers: string): Promise<boolean> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** A fresh PostgreSQL database for one scenario. */
export async function freshDatabase(scenario: string): Promise<{ url: string; drop(): Promise<void> }> {
  // The process id in the name: two benches on one PostgreSQL must not drop each other's database.
  const name = `${scenario}_${process.pid}`;
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A Tally process (the built `npm start`, `start:api` or `start:projector`), as a user runs it. */
export interface TallyProcess {
  url: string;
  /** Resident memory of the process, from its own Prometheus metrics. */
  rssBytes(): Promise<number>;
  metric(name: string): Promise<number | null>;
  stop(): Promise<void>;
}

/** `all` is `npm start` (api + projector in one process); `api` and `projector` are full mode's two processes. */
export type ProcessKind = 'all' | 'api' | 'projector';

/**
 * The Node flags every Tally process is started with (`npm start`, `start:api`, `start:projector`,
 * the Dockerfile, compose): its young generation capped at Node 20's size and its heap at 256 MiB
 * (docs/benchmarks.md "One busy account", "The projector's heap").
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];

const SCRIPTS: Record<ProcessKind, string[]> = {
  all: ['dist/apps/api/src/main.js'],
  api: ['dist/apps/api/src/main.js', '--api-only'],
  projector: ['dist/apps/projector/src/main.js'],
};
const FLAGS: Record<ProcessKind, string[]> = { all: API_NODE_FLAGS, api: API_NODE_FLAGS, projector: API_NODE_FLAGS };

/**
 * The environment `npm start` (embedded mode) sets before Node: glibc's allocator gives freed
 * memory back instead of keeping it (docs/operations.md "Embedded PGlite's memory").
 */
export const EMBEDDED_GLIBC_TUNABLES = 'glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072';
const ENV: Record<ProcessKind, Record<string, string>> = {
  all: { GLIBC_TUNABLES: EMBEDDED_GLIBC_TUNABLES },
  api: {},
  projector: {},
};

// e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": a CPU profile of every Tally process the bench starts.
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function startTallyProcess(env: Record<string, string>, kind: ProcessKind = 'all'): Promise<TallyProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-bench-'));
  const [script, ...args] = SCRIPTS[kind];
  const child: ChildProcess = spawn(process.execPath, [...FLAGS[kind], ...NODE_ARGS, join(ROOT, script), ...args], {
    env: {
      PATH: process.env.PATH,
      [kind === 'projector' ? 'PROJECTOR_PORT' : 'PORT']: String(port),
      METERING_DATA_DIR: dataDir,
      METERING_ADMIN_TOKEN: TOKEN,
      LOG_LEVEL: 'warn',
      ...ENV[kind],
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a shared two-core machine a cold start (PGlite opening its files) can take a minute.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tally ${kind} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not left running behind a failed bench (it would load the machine for every later run).
      child.kill('SIGKILL');
      throw new Error(`tally ${kind} did not become ready`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const metric = async (name: string) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) : null;
  };
  return {
    url,
    metric,
    rssBytes: async () =>
      (await metric('process_resident_memory_bytes')) ?? (await metric('tally_process_resident_memory_bytes')) ?? 0,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** JSON over HTTP with the bench's admin token. */
export async function call(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

/** Polls until `check` is true; returns the milliseconds it took. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
