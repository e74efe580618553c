#!/usr/bin/env node
// Bytes allocated and CPU per HTTP decision (docs/benchmarks.md "Bytes allocated per HTTP
// decision"): starts the built Tally (`npm run build` first) on a fresh PostgreSQL database as
// the bench does (`api`: `main.js --api-only`; `all`: `npm start`'s process, api + projector),
// with scripts/alloc-window.mjs preloaded; defines a meter, sends WARM (6,000) POST /v1/usage
// requests, one event each over 1,000 accounts, 32 connections; then measures N (20,000) more in
// a window (with `all`, until the read models show every unit, so the projector's work is in it).
// Prints one JSON line; with HEAP_SAMPLE=1 also keeps the window's heap profile in ALLOC_DIR
// (summarise it with scripts/heapprofile-top.mjs <file> <N>), with CPU_PROFILE=1 the window's CPU
// profile (scripts/cpuprofile-top.mjs). ROUTE=check sends the same load to POST /v1/usage/check
// (decides, writes nothing) instead, to set the write path's cost apart. `groupCommits` and
// `streamsPerGroup` are the api's group commits in the window (one statement each) and the accounts
// in each, from its `tally_group_commit_streams` histogram.
// Usage: node_modules/.bin/node scripts/alloc-http.mjs <api|all> [label]
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const require = createRequire(import.meta.url);
const [kind = 'api', label = 'run'] = process.argv.slice(2);
const dir = process.env.ALLOC_DIR || '/tmp';
process.env.BENCH_NODE_ARGS = `--import ${resolve(here, 'alloc-window.mjs')}`;
const support = require(`${root}/dist/bench/support.js`);
const autocannon = require('autocannon');

const WARM = Number(process.env.WARM || 6000);
const N = Number(process.env.N || 20000);
const ACCOUNTS = 1000;
const ROUTE = process.env.ROUTE === 'check' ? '/v1/usage/check' : '/v1/usage';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

function send(url, amount) {
  let n = 0;
  const event = () => ({
    specversion: '1.0',
    id: randomUUID(),
    source: 'bench',
    type: 'metering.usage.v1',
    subject: `acct-${n++ % ACCOUNTS}`,
    data: { meter: 'bench', quantity: 1 },
  });
  return autocannon({
    url: `${url}${ROUTE}`,
    method: 'POST',
    connections: 32,
    amount,
    headers: { authorization: `Bearer ${support.TOKEN}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(event()) }) }],
  });
}

async function caughtUp(url, units) {
  const month = new Date().toISOString().slice(0, 7);
  for (;;) {
    const lines = await support.call(url, 'GET', `/v1/billing?month=${month}`);
    if (lines.reduce((sum, l) => sum + l.units, 0) >= units) return;
    await sleep(250);
  }
}

async function main() {
  const db = await support.freshDatabase(`tally_alloc_${label.replace(/\W/g, '_')}`);
  const env = { DATABASE_URL: db.url, ALLOC_DIR: dir, HEAP_SAMPLE: process.env.HEAP_SAMPLE ?? '', HEAP_INTERVAL: process.env.HEAP_INTERVAL ?? '', CPU_PROFILE: process.env.CPU_PROFILE ?? '', CPU_INTERVAL: process.env.CPU_INTERVAL ?? '', PROMISE_COUNT: process.env.PROMISE_COUNT ?? '', PROMISE_STACKS: process.env.PROMISE_STACKS ?? '' };
  const tally = await support.startTallyProcess(env, kind);
  const port = new URL(tally.url).port;
  const file = (ext) => `${dir}/alloc-${port}.${ext}`;
  const pid = Number(readFileSync(file('pid'), 'utf8'));
  try {
    await support.call(tally.url, 'PUT', '/v1/meters/bench', { defaultQuota: { limit: null } });
    const warm = (await send(tally.url, WARM))['2xx'];
    if (kind === 'all' && ROUTE === '/v1/usage') await caughtUp(tally.url, warm);
    await sleep(500);
    const groups = async () => [(await tally.metric('tally_group_commit_streams_count')) ?? 0, (await tally.metric('tally_group_commit_streams_sum')) ?? 0];
    const groupsBefore = await groups();
    process.kill(pid, 'SIGUSR2');
    while (!existsSync(file('open'))) await sleep(20);
    const loadBefore = load();
    const started = Date.now();
    const result = await send(tally.url, N);
    const seconds = (Date.now() - started) / 1000;
    const ok = result['2xx'];
    if (kind === 'all' && ROUTE === '/v1/usage') await caughtUp(tally.url, warm + ok);
    process.kill(pid, 'SIGUSR2');
    const [groupCount, groupStreams] = (await groups()).map((n, i) => n - groupsBefore[i]);
    while (!existsSync(file('json'))) await sleep(50);
    await sleep(200);
    const window = JSON.parse(readFileSync(file('json'), 'utf8'));
    console.log(
      JSON.stringify({
        label,
        kind,
        route: ROUTE,
        at: new Date().toISOString().slice(11, 16),
        load: `${loadBefore}-${load()}`,
        decisions: ok,
        non2xx: result.non2xx + result.errors,
        perSecond: Math.round(ok / seconds),
        bytesPerDecision: Math.round(window.allocated / ok),
        cpuMsPerDecision: Number((window.cpuMs / ok).toFixed(4)),
        systemMsPerDecision: Number((window.systemMs / ok).toFixed(4)),
        ...(window.promises === null ? {} : { promisesPerDecision: Number((window.promises / ok).toFixed(2)) }),
        gcMsPerDecision: Number((window.gcMs / ok).toFixed(4)),
        // The api's group commits in the window (one statement each) and the accounts in each.
        groupCommits: groupCount,
        streamsPerGroup: groupCount > 0 ? Number((groupStreams / groupCount).toFixed(2)) : null,
        minorGCs: window.minorGCs,
        majorGCs: window.majorGCs,
      }),
    );
    if (existsSync(file('heapprofile'))) renameSync(file('heapprofile'), `${dir}/alloc-${label}-${kind}.heapprofile`);
    if (existsSync(file('promises'))) renameSync(file('promises'), `${dir}/alloc-${label}-${kind}.promises`);
    if (existsSync(file('cpuprofile'))) renameSync(file('cpuprofile'), `${dir}/alloc-${label}-${kind}.cpuprofile`);
  } finally {
    await tally.stop();
    await db.drop();
    for (const ext of ['pid', 'open', 'json']) rmSync(file(ext), { force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
