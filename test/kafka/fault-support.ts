import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { countCopies, kafkaClient } from './kafka-helpers';

const ROOT = resolve(__dirname, '../..');

/** The fault suites run the built processes, as users do. */
export function build(): void {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
}

/** Decision events in the store: all of them, and distinct source + id pairs. */
export async function storedDecisions(databaseUrl: string): Promise<{ events: number; distinct: number }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query(
      `select count(*)::int as events, count(distinct (data->>'source', data->>'id'))::int as distinct
         from tally_events where (event_type like 'UsageAccepted.%' or event_type like 'UsageRejected.%')`,
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

/** Messages a topic holds (the sum of its partitions' end offsets; nothing is compacted). */
export async function topicSize(topic: string, brokers?: string): Promise<number> {
  const admin = kafkaClient(brokers).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The decision's usage id, from the JSON body the relay publishes. */
export const decisionId = (value: Buffer) => (JSON.parse(value.toString()) as { id: string }).id;

/**
 * Reads a decisions topic until every one of `expected` decisions is on it, then its size.
 * The relay publishes at least once: after a fault it publishes again from its checkpoint, so
 * the topic can hold `expected` messages (copies among them) before the last decisions reach
 * it. Waiting for the size alone would read a topic the relay is still writing.
 */
export async function publishedDecisions(
  topic: string,
  expected: number,
  brokers?: string,
): Promise<{ copies: Map<string, number>; size: number }> {
  const copies = await countCopies(topic, decisionId, (c) => c.size >= expected, { brokers, timeoutMs: 90_000 });
  return { copies, size: await topicSize(topic, brokers) };
}

/** Prints a fault test's figures where the run's output keeps them. */
export function report(test: string, figures: Record<string, number | string>): void {
  console.log(
    `[figures] ${test}: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
}
