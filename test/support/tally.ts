import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createLogger, loadConfig } from '@tally/runtime';
import { createHttpApp, openRuntime, startKafkaIntake, type Runtime } from '@tally/api';
import { createTestDatabase, infra } from '../infra/infra';
import { Client } from './client';

export const ADMIN_TOKEN = 'tly_test-admin-token-0123456789abcdefghijklmnop';

export { Client, type Reply } from './client';

/** Which database a running Tally uses. */
export type Backend = 'pglite' | 'postgres';

/** The backends available here: PGlite always, PostgreSQL when reachable. */
export const BACKENDS: Backend[] = infra.postgresUrl ? ['pglite', 'postgres'] : ['pglite'];

/** A Tally (api + projector in one process) on a real HTTP port. */
export interface RunningTally {
  url: string;
  admin: Client;
  runtime: Runtime;
  /** The Nest application: tests that control time replace its `Clock`'s `now`. */
  app: INestApplication;
  backend: Backend;
  /** Where its state lives: the data directory or the database URL. */
  location: { dataDir: string; databaseUrl: string | null };
  stop(): Promise<void>;
  /** Stops and deletes its data. */
  destroy(): Promise<void>;
}

/** Starts Tally on a fresh (or the given) data directory or PostgreSQL database. */
export async function startTally(
  backend: Backend,
  options: {
    location?: RunningTally['location'];
    env?: Record<string, string>;
    project?: boolean;
    logs?: string[];
    /** Consume and publish on Kafka, with topics prefixed so that suites never share them. */
    kafka?: { topicPrefix: string; groupId?: string };
    /** The built console to serve at /console (default: dist/console, if built; null: none). */
    consoleDir?: string | null;
  } = {},
): Promise<RunningTally> {
  let dropDatabase: (() => Promise<void>) | null = null;
  let location = options.location;
  if (!location) {
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-test-'));
    if (backend === 'postgres') {
      const database = await createTestDatabase();
      dropDatabase = database.drop;
      location = { dataDir, databaseUrl: database.url };
    } else {
      location = { dataDir, databaseUrl: null };
      // A copy of the run's empty database (test/infra/pglite-template.ts), not a new one.
      const template = process.env.TALLY_TEST_PGLITE_TEMPLATE;
      if (template) cpSync(template, join(dataDir, 'pglite'), { recursive: true });
    }
  }
  const config = loadConfig({
    METERING_DATA_DIR: location.dataDir,
    ...(location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : {}),
    METERING_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ...(options.kafka
      ? {
          KAFKA_BROKERS: infra.kafkaBrokers ?? '',
          KAFKA_TOPIC_PREFIX: options.kafka.topicPrefix,
          KAFKA_GROUP_ID: options.kafka.groupId ?? `${options.kafka.topicPrefix}group`,
          KAFKA_USAGE_PARTITIONS: '3',
        }
      : {}),
    ...options.env,
  });
  const logs = options.logs;
  const logger = logs
    ? createLogger('info', 'test', { write: (line: string) => void logs.push(line) })
    : createLogger('silent', 'test');
  const runtime = await openRuntime(config, logger, { project: options.project ?? true });
  let app: INestApplication;
  let consumer: Awaited<ReturnType<typeof startKafkaIntake>>;
  try {
    app = await createHttpApp(runtime, options.consoleDir === undefined ? {} : { consoleDir: options.consoleDir });
    await app.listen(0, '127.0.0.1');
    consumer = await startKafkaIntake(app, runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const fixed = location;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await consumer?.stop();
    await app.close();
    await runtime.close();
  };
  return {
    url,
    admin: new Client(url, ADMIN_TOKEN),
    runtime,
    app,
    backend,
    location: fixed,
    stop,
    async destroy() {
      await stop();
      await dropDatabase?.();
      rmSync(fixed.dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Two api instances on one fresh PostgreSQL database, the second without a projector, started
 * before the describe block's tests and stopped after them; read them inside tests.
 */
export function twoInstances(): { first: RunningTally; second: RunningTally } {
  const both = {} as { first: RunningTally; second: RunningTally };
  beforeAll(async () => {
    both.first = await startTally('postgres');
    both.second = await startTally('postgres', { location: both.first.location, project: false });
  });
  afterAll(async () => {
    await both.second.stop();
    await both.first.destroy();
  });
  return both;
}

let sequence = 0;

/** A unique name for accounts, meters and ids, so tests sharing a Tally never collide. */
export function unique(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(++sequence).toString(36)}`;
}

/** A fresh account and meter with the given quota (PUT), for tests that need one. */
export async function withQuota(
  tally: RunningTally,
  quota: Record<string, unknown>,
): Promise<{ account: string; meter: string }> {
  const [account, meter] = [unique('a'), unique('m')];
  const reply = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, quota);
  if (reply.status !== 200) throw new Error(`PUT quota answered ${reply.status}`);
  return { account, meter };
}

/** A usage CloudEvent as producers send it. */
export function usageEvent(fields: {
  id?: string;
  source?: string;
  subject: string;
  meter: string;
  quantity: unknown;
  time?: string;
}) {
  return {
    specversion: '1.0',
    id: fields.id ?? unique('u'),
    source: fields.source ?? 'test-service',
    type: 'metering.usage.v1',
    subject: fields.subject,
    ...(fields.time ? { time: fields.time } : {}),
    data: { meter: fields.meter, quantity: fields.quantity },
  };
}

/** Every event the store holds, counted directly in its table (SQL stores). */
export async function storedEventCount(tally: RunningTally): Promise<number> {
  const { rows } = await tally.runtime.db.query<{ n: string | number }>('select count(*)::int as n from tally_events');
  return Number(rows[0].n);
}
