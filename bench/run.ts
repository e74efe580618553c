import { cpus, totalmem } from 'node:os';
import { runHttpScenario, type HttpResult } from './http.bench';
import { runKafkaScenario } from './kafka.bench';
import { freshDatabase, kafkaReachable, postgresReachable } from './support';

/**
 * `npm run bench`: throughput, latency, read-model catch-up and memory, measured against
 * server processes as users run them. Speed targets are checked here, never in unit tests.
 */
async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  console.log(`# Tally benchmarks — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`,
  );

  const http: HttpResult[] = [];
  http.push(
    await runHttpScenario({
      name: 'embedded PGlite, 1 event/request, 200 accounts',
      env: {},
      accounts: 200,
      batch: 1,
      connections: 32,
      seconds,
    }),
  );
  const pg = await postgresReachable();
  if (pg) {
    for (const s of [
      { name: 'PostgreSQL, 1 event/request, 200 accounts', accounts: 200, batch: 1 },
      { name: 'PostgreSQL, 1 event/request, 1 hot account', accounts: 1, batch: 1 },
      { name: 'PostgreSQL, 100 events/request, 200 accounts', accounts: 200, batch: 100 },
    ]) {
      const db = await freshDatabase('tally_bench_http');
      try {
        http.push(await runHttpScenario({ ...s, env: { DATABASE_URL: db.url }, connections: 32, seconds }));
      } finally {
        await db.drop();
      }
    }
  } else {
    console.log('PostgreSQL unreachable: PostgreSQL scenarios skipped.');
  }
  console.log('## HTTP: POST /v1/usage (autocannon, 32 connections, api + projector in one process)\n');
  console.log('| scenario | events/s | p50 ms | p99 ms | non-2xx | read models caught up after | server RSS |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of http)
    console.log(
      `| ${r.scenario} | ${r.eventsPerSecond} | ${r.p50ms} | ${r.p99ms} | ${r.errors} | ${r.catchUpMs} ms | ${r.rss} |`,
    );

  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  if (!pg || !(await kafkaReachable(brokers))) {
    console.log(`\nKafka at ${brokers} or PostgreSQL unreachable: Kafka scenario skipped (run \`npm run infra:up\`).`);
    return;
  }
  const db = await freshDatabase('tally_bench_kafka');
  try {
    const k = await runKafkaScenario(brokers, db.url);
    console.log('\n## Kafka: produce → decision on metering.decisions.v1 (PostgreSQL event store)\n');
    console.log(
      '| events | accounts | produced in | first produce → last decision | events/s | read models caught up after | server RSS |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${k.events} | ${k.accounts} | ${k.produceMs} ms | ${k.endToEndMs} ms | ${k.eventsPerSecond} | ${k.readModelCatchUpMs} ms | ${k.rss} |`,
    );
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
