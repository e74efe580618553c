import { existsSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

interface Probed {
  env: Record<string, string>;
  notes: string[];
  missingRequired: string[];
}

/** Debian's Chromium, which the console's browser suite drives with playwright-core. */
const CHROMIUM = '/usr/bin/chromium';

const containers: Array<{ stop(): Promise<unknown> }> = [];

/** Stops whatever containers the probe started (only where a Docker engine exists). */
export async function stopContainers(): Promise<void> {
  await Promise.all(containers.splice(0).map((c) => c.stop()));
}

/** PostgreSQL from TEST_DATABASE_URL (default: the machine's server), Kafka from KAFKA_BROKERS (or KAFKA_PORT) or Docker, ESDB likewise. */
export async function probeInfrastructure(): Promise<Probed> {
  const found: Probed = { env: {}, notes: [], missingRequired: [] };
  const docker = await dockerAvailable();

  const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const pgError = await reachPostgres(pgUrl);
  if (!pgError) found.env.TALLY_TEST_PG_URL = pgUrl;
  else {
    found.notes.push(`PostgreSQL unreachable at ${redact(pgUrl)} (${pgError}): PostgreSQL suites are skipped.`);
    found.missingRequired.push(`PostgreSQL at ${redact(pgUrl)}`);
  }

  // Where `npm run infra:up` starts it: KAFKA_PORT, as scripts/kafka.sh reads it.
  const brokers = process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`;
  const kafkaError = await reachKafka(brokers);
  if (!kafkaError) found.env.TALLY_TEST_KAFKA_BROKERS = brokers;
  else if (docker && !process.env.KAFKA_BROKERS) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    containers.push(kafka);
    found.env.TALLY_TEST_KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    found.notes.push(`Kafka started with testcontainers at ${found.env.TALLY_TEST_KAFKA_BROKERS}.`);
  } else {
    found.notes.push(
      `Kafka unreachable at ${brokers} (${kafkaError}) and no Docker engine: Kafka suites are skipped. Run \`npm run infra:up\`.`,
    );
    found.missingRequired.push(`Kafka at ${brokers}`);
  }

  // The console's browser suite drives Debian's Chromium; a browser is never downloaded.
  if (existsSync(CHROMIUM)) found.env.TALLY_TEST_CHROMIUM = CHROMIUM;
  else {
    found.notes.push(
      `Chromium not found at ${CHROMIUM}: the console's browser suite is skipped. Install it with \`apt-get install chromium\`.`,
    );
    found.missingRequired.push(`Chromium at ${CHROMIUM}`);
  }

  if (process.env.ESDB_CONNECTION_STRING) found.env.TALLY_TEST_ESDB = process.env.ESDB_CONNECTION_STRING;
  else if (docker) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const esdb = await new GenericContainer('eventstore/eventstore:24.10')
      .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true', EVENTSTORE_RUN_PROJECTIONS: 'None' })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .start();
    containers.push(esdb);
    found.env.TALLY_TEST_ESDB = `esdb://${esdb.getHost()}:${esdb.getMappedPort(2113)}?tls=false`;
    found.notes.push(`EventStoreDB started with testcontainers at ${found.env.TALLY_TEST_ESDB}.`);
  } else {
    found.notes.push(
      'EventStoreDB contract suite skipped: ESDB_CONNECTION_STRING is not set and there is no Docker engine to start one.',
    );
  }
  return found;
}

async function reachPostgres(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function reachKafka(brokers: string): Promise<string | null> {
  const admin = new Kafka({
    brokers: brokers.split(','),
    clientId: 'tally-test-probe',
    connectionTimeout: 2000,
    retry: { retries: 1 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
