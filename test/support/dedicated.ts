import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Why a test-owned broker or database cannot run here, or null if it can. Only a missing binary
 * counts; with REQUIRE_INFRA=1 the suite fails instead of skipping (see {@link requireOrSkip}).
 */
export function missingForKafka(): string | null {
  if (!hasCommand('java')) return 'no Java runtime to run a dedicated Kafka broker';
  if (!existsSync(kafkaLibs()) && !hasCommand('mvn')) return 'no Kafka jars in .infra and no Maven to fetch them';
  return null;
}

export function missingForPostgres(): string | null {
  return existsSync(join(PG_BIN, 'initdb')) ? null : `no PostgreSQL 15 binaries in ${PG_BIN}`;
}

/** True to run; prints why not (or throws under REQUIRE_INFRA=1) otherwise. */
export function requireOrSkip(suite: string, missing: string | null): boolean {
  if (!missing) return true;
  if (process.env.REQUIRE_INFRA === '1') throw new Error(`${suite}: REQUIRE_INFRA=1 but ${missing}`);
  console.log(`[infra] ${suite} skipped: ${missing}`);
  return false;
}

// The jars `npm run infra:up` fetched (CI runs it into the clone's .infra before the tests).
function kafkaLibs(): string {
  return join(process.env.TALLY_INFRA_DIR ?? join(ROOT, '.infra'), 'kafka', 'libs', '.complete');
}

/** A single-node Kafka owned by one suite, on its own ports and data, that the suite may stop. */
export interface DedicatedKafka {
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function dedicatedKafka(): Promise<DedicatedKafka> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-kafka-'));
  mkdirSync(join(dir, 'kafka'));
  // Reuse the jars already fetched; otherwise the script fetches them (Maven caches in ~/.m2).
  if (existsSync(kafkaLibs())) symlinkSync(resolve(kafkaLibs(), '..'), join(dir, 'kafka', 'libs'));
  const [port, controller] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controller),
    TALLY_INFRA_DIR: dir,
    KAFKA_HEAP: '384m',
  };
  const script = (...args: string[]) => run('bash', [join(ROOT, 'scripts/kafka.sh'), ...args], { env, timeout: 120_000 });
  return {
    brokers: `127.0.0.1:${port}`,
    start: async () => void (await script('up')),
    stop: async () => void (await script('down')),
    async destroy() {
      await script('down', '--purge').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A throwaway PostgreSQL 15 cluster owned by one suite, which it may stop and restart. */
export interface DedicatedPostgres {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function dedicatedPostgres(): Promise<DedicatedPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  // initdb refuses to run as root: the cluster then belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  const pg = (bin: string, ...args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]) : run(join(PG_BIN, bin), args);
  await pg('initdb', '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
  const ctl = (...args: string[]) => pg('pg_ctl', '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', ...args);
  const cluster: DedicatedPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: async () => void (await ctl('-o', options, 'start')),
    stop: async () => void (await ctl('-m', 'fast', 'stop')),
    async destroy() {
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
