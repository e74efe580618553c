import { cpus, totalmem } from 'node:os';
import {
  kafkaConsumeBaseline,
  kafkaPipeBaseline,
  nestFastifyBaseline,
  nodeHttpBaseline,
  pgInsertBaseline,
  type HttpBaseline,
  type KafkaPipeBaseline,
} from './baselines';
import { runManyAccounts, type AccountsResult } from './accounts.bench';
import { runAccountScale, type AccountScaleResult } from './account-scale.bench';
import { runHttpScenario, warmUpSeconds, type HttpResult, type HttpScenario } from './http.bench';
import { runFixedRate, type FixedRateResult } from './fixed-rate.bench';
import { runKafkaScenario, USAGE_PARTITIONS, type KafkaResult } from './kafka.bench';
import { call, freshDatabase, kafkaReachable, postgresReachable } from './support';

const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 5 : 10));
const CONNECTIONS = 32;
// Two api instances in one group over pooled accounts (each pools 10 subjects).
const SCALE_OUT = { events: QUICK ? 20_000 : 100_000, accounts: 50, subjectsPerAccount: 10 };
const FIXED_RATE_RPS = 1000;
const PIPELINE = QUICK ? { events: 20_000, accounts: 200 } : { events: 200_000, accounts: 1_000 };
// Distinct accounts decided before the api's memory is read (its caches must stay bounded).
const MANY_ACCOUNTS = QUICK ? 20_000 : 100_000;
// Usages decided on one account before the api's memory and its cold load are measured (issue 19).
const ACCOUNT_SCALE_USAGES = QUICK ? 20_000 : 1_000_000;

// Account trees against plain accounts: as many accounts either way, in trees of one root and three
// children; every root's quota and every second child's carry a rate limit (generous: it is taken, never refused).
const TREES = { trees: 250, childrenPerTree: 3 };

// BENCH_ONLY=kafka (comma-separated: http, check, accounts, accountScale, kafka, scaleOut, fixedRate, trees) runs only those scenarios and their baselines
// (`check` is http's `POST /v1/usage/check` row alone).
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').filter(Boolean));
const want = (scenario: string) => ONLY.size === 0 || ONLY.has(scenario);

const ratio = (value: number | null | undefined, base: number | null | undefined) =>
  value && base ? `${((100 * value) / base).toFixed(1)}%` : '—';

/**
 * `npm run bench`: Tally's throughput, latency, read-model lag and memory, measured against
 * processes as users run them, each beside baselines measured in the same run: what the machine
 * does with no framework (a bare node:http echo, single-row inserts on the same PostgreSQL, raw
 * kafkajs consumption of the same messages) and what the chosen stack does with no Tally work (a
 * no-op NestJS + Fastify route, a kafkajs consume → produce → commit pipe).
 * Ends with one JSON line, `{"bench":"tally","pipeline":…,"http":…,"checkApi":…,"scaleOut":…,"fixedRate":…,"baselines":…,"rssMiB":…}`.
 * `BENCH_QUICK=1` is CI's short smoke run.
 */
async function main(): Promise<void> {
  console.log(`# Tally benchmarks — ${new Date().toISOString()}${QUICK ? ' (BENCH_QUICK)' : ''}`);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`,
  );
  const pg = await postgresReachable();
  // As the test probe finds it: KAFKA_BROKERS, else where `npm run infra:up` starts it (KAFKA_PORT).
  const brokers = process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`;
  const kafka = pg && want('kafka') && (await kafkaReachable(brokers));
  const http = want('http');

  const noServer = { rps: null, p99Ms: null, cpuMsPerRequest: null };
  const nodeHttp: HttpBaseline | typeof noServer = http ? await nodeHttpBaseline(CONNECTIONS, SECONDS) : noServer;
  const nestFloor: HttpBaseline | typeof noServer = http ? await nestFastifyBaseline(CONNECTIONS, SECONDS) : noServer;
  const pgInsertTps = pg && http ? await pgInsertBaseline(CONNECTIONS, SECONDS) : null;

  const common = { connections: CONNECTIONS, seconds: SECONDS, batch: 1 };
  const embedded = !http
    ? null
    : await runHttpScenario({
        ...common,
        name: 'embedded PGlite, 1 event/request, 1,000 accounts',
        env: {},
        accounts: 1_000,
      });
  const onPostgres = async (s: Omit<HttpScenario, 'env'>) => {
    const db = await freshDatabase('tally_bench_http');
    try {
      return await runHttpScenario({ ...s, env: { DATABASE_URL: db.url } });
    } finally {
      await db.drop();
    }
  };
  const postgres =
    pg && http ? await onPostgres({ ...common, name: 'PostgreSQL, 1 event/request, 1,000 accounts', accounts: 1_000 }) : null;
  const hot =
    pg && http ? await onPostgres({ ...common, name: 'PostgreSQL, 1 event/request, 1 hot account', accounts: 1 }) : null;
  const batch100 =
    pg && http
      ? await onPostgres({ ...common, name: 'PostgreSQL, 100 events/request, 1,000 accounts', accounts: 1_000, batch: 100 })
      : null;
  const check =
    pg && (http || want('check'))
      ? await onPostgres({
          ...common,
          name: 'PostgreSQL, POST /v1/usage/check, 1,000 accounts',
          accounts: 1_000,
          path: '/v1/usage/check',
        })
      : null;
  let trees: { tree: HttpResult; plain: HttpResult } | null = null;
  if (want('trees')) {
    const accounts = TREES.trees * (TREES.childrenPerTree + 1);
    const run = (s: Omit<HttpScenario, 'env'>) => (pg ? onPostgres(s) : runHttpScenario({ ...s, env: {} }));
    const where = pg ? 'PostgreSQL' : 'embedded PGlite';
    const plain = await run({ ...common, name: `${where}, 1 event/request, ${accounts} plain accounts`, accounts });
    const tree = await run({
      ...common,
      name: `${where}, 1 event/request, ${accounts} accounts in ${TREES.trees} trees (a root with a hard limit and a rate limit, ${TREES.childrenPerTree} children, every second one rate-limited)`,
      accounts,
      setup: async (url, meter) => {
        const rateLimit = { units: 1_000_000, per: 'second' };
        for (let t = 0; t < TREES.trees; t++) {
          const root = `acct-${t * (TREES.childrenPerTree + 1)}`;
          await call(url, 'PUT', `/v1/accounts/${root}/quotas/${meter}`, { limit: 1_000_000_000, rateLimit });
          for (let c = 1; c <= TREES.childrenPerTree; c++) {
            const child = `acct-${t * (TREES.childrenPerTree + 1) + c}`;
            await call(url, 'PUT', `/v1/accounts/${child}`, { parent: root });
            if (c % 2 === 0) await call(url, 'PUT', `/v1/accounts/${child}/quotas/${meter}`, { limit: null, rateLimit });
          }
        }
      },
    });
    trees = { tree, plain };
    console.log(`
## Account trees (${SECONDS} s each, ${CONNECTIONS} connections)
`);
    console.log('| scenario | decisions/s | p50 ms | p99 ms | non-2xx | api CPU ms/decision |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of [plain, tree]) {
      console.log(
        `| ${r.scenario} | ${r.eventsPerSecond ?? 'none answered'} | ${r.p50Ms ?? '—'} | ${r.p99Ms ?? '—'} | ${r.errors} | ${r.cpuMsPerEvent ?? '—'} |`,
      );
    }
  }
  let many: AccountsResult | null = null;
  if (pg && want('accounts')) {
    const db = await freshDatabase('tally_bench_accounts');
    try {
      many = await runManyAccounts(db.url, MANY_ACCOUNTS);
    } finally {
      await db.drop();
    }
  }
  let accountScale: AccountScaleResult | null = null;
  if (pg && want('accountScale')) {
    const db = await freshDatabase('tally_bench_account_scale');
    try {
      accountScale = await runAccountScale(db.url, ACCOUNT_SCALE_USAGES);
      console.log(`account scale: ${JSON.stringify(accountScale)}`);
    } finally {
      await db.drop();
    }
  }
  if (!pg) console.log('PostgreSQL unreachable: PostgreSQL scenarios and baselines skipped.');

  if (http || check) {
    console.log(
      `## HTTP (autocannon, ${CONNECTIONS} connections, ${SECONDS} s after a ${warmUpSeconds(SECONDS)} s warm-up on /v1/usage, api + projector in one process)\n`,
    );
    console.log(
      `baseline: node:http JSON echo ${nodeHttp.rps ?? '—'} requests/s (p99 ${nodeHttp.p99Ms ?? '—'} ms, ${nodeHttp.cpuMsPerRequest ?? '—'} ms CPU/request); Nest floor (NestJS + Fastify, one no-op POST /v1/usage) ${nestFloor.rps ?? '—'} requests/s (p99 ${nestFloor.p99Ms ?? '—'} ms, ${nestFloor.cpuMsPerRequest ?? '—'} ms CPU/request); pgbench single-row inserts, ${CONNECTIONS} clients: ${pgInsertTps ?? '—'} tps\n`,
    );
    console.log(
      '| scenario | events/s | vs node:http | vs Nest floor | vs pg inserts | p50 ms | p99 ms | non-2xx | unanswered at the end | read models caught up after | RSS MiB | CPU ms/event |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of [embedded, postgres, hot, batch100, check].filter((x): x is HttpResult => x !== null)) {
      console.log(
        `| ${r.scenario} | ${r.eventsPerSecond ?? 'none answered'} | ${ratio(r.eventsPerSecond, nodeHttp.rps)} | ${ratio(r.eventsPerSecond, nestFloor.rps)} | ${ratio(r.eventsPerSecond, pgInsertTps)} | ${r.p50Ms ?? '—'} | ${r.p99Ms ?? '—'} | ${r.errors} | ${r.unanswered} | ${r.catchUpMs ?? '—'} ms | ${r.rssMiB} | ${r.cpuMsPerEvent ?? '—'} |`,
      );
    }
  }
  if (many) {
    console.log(
      `\napi alone (start:api, PostgreSQL), ${many.accounts} distinct accounts decided in ${many.seconds.toFixed(1)} s: RSS ${many.apiRssMiB} MiB`,
    );
  }

  let pipeline: KafkaResult | null = null;
  let kafkaConsume: number | null = null;
  let kafkaPipe: KafkaPipeBaseline | null = null;
  if (kafka) {
    const db = await freshDatabase('tally_bench_kafka');
    try {
      pipeline = await runKafkaScenario(brokers, db.url, PIPELINE.events, PIPELINE.accounts);
      kafkaConsume = await kafkaConsumeBaseline(brokers, pipeline.usageTopic, pipeline.events);
      kafkaPipe = await kafkaPipeBaseline(brokers, PIPELINE.events, PIPELINE.accounts, USAGE_PARTITIONS);
    } finally {
      await db.drop();
    }
    const k = pipeline;
    console.log('\n## Kafka: first produce → last decision on metering.decisions.v1 (start:api + start:projector, PostgreSQL)\n');
    console.log(
      `baseline: kafkajs pipe (consume → one message produced per usage, gzip, acks all → commit; no Tally work), same ${k.events} usages and ${USAGE_PARTITIONS} partitions, produced in ${kafkaPipe?.produceMs ?? '—'} ms, first produce → last piped message: ${kafkaPipe?.eventsPerSecond ?? '—'} usages/s (pipe CPU ${kafkaPipe?.cpuSeconds ?? '—'} s)\n`,
    );
    console.log(
      '| events | accounts | produced in | first produce → all decided (api) | first produce → last decision | events/s | vs raw kafkajs consume | vs kafkajs pipe | read models caught up after | projector batch lag p99 | RSS api / projector MiB | CPU s api / projector |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    console.log(
      `| ${k.events} | ${k.accounts} | ${k.produceMs} ms (publisher CPU ${k.publisherCpuSeconds} s) | ${k.decidedMs ?? '—'} ms | ${k.endToEndMs} ms | ${k.eventsPerSecond} | ${ratio(k.eventsPerSecond, kafkaConsume)} of ${kafkaConsume}/s | ${ratio(k.eventsPerSecond, kafkaPipe?.eventsPerSecond)} of ${kafkaPipe?.eventsPerSecond ?? '—'}/s | ${k.readModelLagMs} ms | ≤ ${k.readModelLagP99Ms ?? '—'} ms | ${k.rssMiB.api} / ${k.rssMiB.projector} | ${k.cpuSeconds.api} / ${k.cpuSeconds.projector} (${k.cpuSeconds.projectorCaughtUp ?? '—'} until caught up) |`,
    );
    console.log(
      `\napi memory at the end: heap in use ${k.apiMemoryMiB.heapUsed} MiB (large objects ${k.apiMemoryMiB.largeObjects} MiB), external ${k.apiMemoryMiB.external} MiB, RSS ${k.rssMiB.api} MiB`,
    );
  } else if (want('kafka')) {
    console.log(`\nKafka at ${brokers} or PostgreSQL unreachable: Kafka scenario skipped (run \`npm run infra:up\`).`);
  }

  let scaleOut: { one: KafkaResult; two: KafkaResult } | null = null;
  if (pg && want('scaleOut') && (await kafkaReachable(brokers))) {
    const run = async (instances: number) => {
      const db = await freshDatabase(`tally_bench_scale_${instances}`);
      try {
        return await runKafkaScenario(brokers, db.url, SCALE_OUT.events, SCALE_OUT.accounts, {
          subjectsPerAccount: SCALE_OUT.subjectsPerAccount,
          instances,
        });
      } finally {
        await db.drop();
      }
    };
    scaleOut = { one: await run(1), two: await run(2) };
    console.log(
      `\n## Kafka scale-out: ${SCALE_OUT.events} usages over ${SCALE_OUT.accounts} accounts × ${SCALE_OUT.subjectsPerAccount} pooled subjects\n`,
    );
    console.log(
      '| api instances | first produce → all decided | first produce → last decision | events/s | version conflicts | CPU s api / projector |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|');
    for (const r of [scaleOut.one, scaleOut.two]) {
      console.log(
        `| ${r.instances} | ${r.decidedMs ?? '—'} ms | ${r.endToEndMs} ms | ${r.eventsPerSecond} | ${r.versionConflicts} | ${r.cpuSeconds.api} / ${r.cpuSeconds.projector} |`,
      );
    }
  }

  let fixedRate: FixedRateResult | null = null;
  if (pg && want('fixedRate')) {
    const db = await freshDatabase('tally_bench_fixed_rate');
    try {
      fixedRate = await runFixedRate(db.url, FIXED_RATE_RPS, SECONDS);
    } finally {
      await db.drop();
    }
    const f = fixedRate;
    console.log(`\n## HTTP at a steady ${f.rps} requests/s (PostgreSQL, 1,000 accounts, ${SECONDS} s each)\n`);
    console.log('Each request sent at its due time, latency from then (an open load, no coordinated omission).\n');
    console.log('| route | achieved requests/s | p50 ms | p99 ms | max ms | errors | unanswered |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [route, r] of [
      ['POST /v1/usage', f.decision],
      ['POST /v1/usage/check', f.check],
    ] as const) {
      console.log(
        `| ${route} | ${r.achievedRps} | ${r.p50Ms ?? '—'} | ${r.p99Ms ?? '—'} | ${r.maxMs ?? '—'} | ${r.errors} | ${r.unanswered} |`,
      );
    }
  }

  // Every process's RSS at the end of every scenario that ran: the bound (≤ 400 MiB) is for each.
  const memory: Array<[string, number]> = [];
  for (const r of [embedded, postgres, hot, batch100, check, trees?.plain, trees?.tree]) {
    if (r) memory.push([`${r.scenario} (api + projector${r === embedded ? ' + PGlite' : ''})`, r.rssMiB]);
  }
  if (many) memory.push([`${many.accounts} distinct accounts (api alone)`, many.apiRssMiB]);
  if (accountScale) memory.push([`${accountScale.usages} usages on one account (api alone)`, accountScale.rssMiB]);
  const kafkaRuns: Array<[string, KafkaResult | null | undefined]> = [
    ['Kafka pipeline', pipeline],
    ['Kafka scale-out, 1 instance', scaleOut?.one],
    ['Kafka scale-out, 2 instances', scaleOut?.two],
  ];
  for (const [name, k] of kafkaRuns) {
    if (!k) continue;
    memory.push([`${name}: api${k.instances > 1 ? ' (largest instance)' : ''}`, k.rssMiB.api]);
    memory.push([`${name}: projector`, k.rssMiB.projector]);
  }
  if (fixedRate) memory.push([`steady ${fixedRate.rps} requests/s (api + projector)`, fixedRate.rssMiB]);
  if (memory.length > 0) {
    console.log('\n## Memory: RSS of each process at the end of each scenario\n');
    console.log('| scenario and process | RSS MiB |');
    console.log('|---|---:|');
    for (const [name, value] of memory) console.log(`| ${name} | ${value} |`);
  }
  const largest = (pick: (name: string) => boolean) => {
    const values = memory.filter(([name]) => pick(name)).map(([, value]) => value);
    return values.length > 0 ? Math.max(...values) : null;
  };

  const figures = (r: HttpResult | null) =>
    r ? { decisionsPerSecond: r.eventsPerSecond, p99Ms: r.p99Ms, cpuMsPerDecision: r.cpuMsPerEvent } : null;
  const summary = {
    bench: 'tally',
    quick: QUICK,
    pipeline: pipeline && {
      events: pipeline.events,
      eventsPerSecond: pipeline.eventsPerSecond,
      decidedMs: pipeline.decidedMs,
      cpuSeconds: pipeline.cpuSeconds,
      publisherCpuSeconds: pipeline.publisherCpuSeconds,
      readModelLagMs: pipeline.readModelLagMs,
      readModelLagP99Ms: pipeline.readModelLagP99Ms,
    },
    http: {
      postgres: figures(postgres),
      hotAccount: figures(hot),
      embedded: figures(embedded ?? null),
      batch100: batch100 && { eventsPerSecond: batch100.eventsPerSecond, cpuMsPerEvent: batch100.cpuMsPerEvent },
    },
    checkApi: check && { rps: check.eventsPerSecond, p99Ms: check.p99Ms },
    scaleOut: scaleOut && {
      instances: scaleOut.two.instances,
      eventsPerSecond: scaleOut.two.eventsPerSecond,
      versionConflicts: scaleOut.two.versionConflicts,
      oneInstance: { eventsPerSecond: scaleOut.one.eventsPerSecond, versionConflicts: scaleOut.one.versionConflicts },
    },
    fixedRate: fixedRate && {
      rps: fixedRate.rps,
      decision: { p50Ms: fixedRate.decision.p50Ms, p99Ms: fixedRate.decision.p99Ms },
      check: { p50Ms: fixedRate.check.p50Ms, p99Ms: fixedRate.check.p99Ms },
    },
    baselines: {
      nodeHttpRps: nodeHttp.rps,
      nestFastifyRps: nestFloor.rps,
      nestFastifyP99Ms: nestFloor.p99Ms,
      nestFastifyCpuMsPerRequest: nestFloor.cpuMsPerRequest,
      pgInsertTps,
      kafkaConsumeEventsPerSecond: kafkaConsume,
      kafkaPipeEventsPerSecond: kafkaPipe?.eventsPerSecond ?? null,
      kafkaPipeProduceMs: kafkaPipe?.produceMs ?? null,
      kafkaPipeCpuSeconds: kafkaPipe?.cpuSeconds ?? null,
    },
    rssMiB: {
      // The largest over every scenario that ran (the table above has each).
      api: largest((name) => !name.endsWith(': projector')),
      projector: largest((name) => name.endsWith(': projector')),
      // `npm start` on PGlite (api, projector and the database in one process) after its HTTP run.
      embedded: embedded?.rssMiB ?? null,
      apiAfterAccounts: many && { accounts: many.accounts, rssMiB: many.apiRssMiB },
    },
    trees: trees && {
      decisionsPerSecond: trees.tree.eventsPerSecond,
      plainDecisionsPerSecond: trees.plain.eventsPerSecond,
      cpuMsPerDecision: trees.tree.cpuMsPerEvent,
      plainCpuMsPerDecision: trees.plain.cpuMsPerEvent,
    },
    accountScale: accountScale && {
      usages: accountScale.usages,
      rssMiB: accountScale.rssMiB,
      coldLoadMs: accountScale.coldLoadMs,
    },
  };
  console.log(`\n${JSON.stringify(summary)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
