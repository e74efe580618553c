import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Addresses global-setup found; null where the infrastructure is not reachable. */
export const infra = {
  postgresUrl: process.env.TALLY_TEST_PG_URL || null,
  kafkaBrokers: process.env.TALLY_TEST_KAFKA_BROKERS || null,
  esdbConnectionString: process.env.TALLY_TEST_ESDB || null,
  chromium: process.env.TALLY_TEST_CHROMIUM || null,
};

/** `describe` when `available`, otherwise a skipped block; global-setup printed why. */
export function describeIf(available: unknown, name: string, body: () => void): void {
  (available ? describe : describe.skip)(name, body);
}

/** A fresh database on the test server, so that suites running in parallel never share state. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!infra.postgresUrl) throw new Error('PostgreSQL is not available');
  const name = `tally_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: infra.postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(infra.postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: infra.postgresUrl! });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Retries an assertion until it passes or `timeoutMs` runs out: read models lag their writes. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
