#!/usr/bin/env node
// Splits CPU profiles of the HTTP usage routes (scripts/alloc-http.mjs with CPU_PROFILE=1) into the
// parts of a request (docs/benchmarks.md "The write path's CPU over HTTP"): each busy sample goes
// to the first part below whose test its stack passes (a stack holding the projector's code is the
// projector's, whatever it calls), as a share of busy samples and as µs per decision of the CPU the
// run measured (the profiler's own sampling rate drifts when the machine deschedules the process,
// so the measured CPU, not the sample times, gives the scale).
// Usage: node scripts/cpuprofile-split.mjs <a.cpuprofile> <cpuMsPerDecision> [<b.cpuprofile> <ms> …]
import { readFileSync } from 'node:fs';
const args = process.argv.slice(2);
const cats = [
  ['projector (its JS, sync stacks)', (s) => s.some((u) => /libs\/read-models/.test(u))],
  [
    'group commit (queue, parameter, statement call, results)',
    (s) => s.some((u) => /group-commit\.js|append-many\.js|sql-event-store\.js.*appendMany|appendBisecting/.test(u)),
  ],
  [
    'the decision message (answerOf, toDecisionMessage, decisions counter)',
    (s) => s.some((u) => /^(answerOf|toDecisionMessage|decisionOf) /.test(u)),
  ],
  [
    'answer (Nest response, Fastify send, serialise, socket write)',
    (s) => s.some((u) => /fastify\/lib\/reply\.js|router-response-controller|_http_outgoing/.test(u)),
  ],
  [
    'pg driver, async (pool, send, parse, socket)',
    (s) => s.some((u) => /node_modules\/(pg|pg-pool|pg-protocol|pg-types)\//.test(u)),
  ],
  ['garbage collection', (s) => /garbage collector/.test(s[0])],
  ['decision (libs/domain)', (s) => s.some((u) => /libs\/domain\//.test(u))],
  ['account handler, cache, writer, loader', (s) => s.some((u) => /apps\/api\/src\/accounts\//.test(u))],
  [
    'request parsing and validation',
    (s) =>
      s.some((u) =>
        /json-body|cloudevents-binding|usage-body|libs\/messages|_http_common|_http_incoming|HTTPParser|parserOnHeaders/.test(u),
      ),
  ],
  [
    'metrics, request log, auth',
    (s) => s.some((u) => /prom-client|operations\/|request-log|apps\/api\/src\/auth|authenticat/.test(u)),
  ],
  ['usage/check handlers, catalog, clock', (s) => s.some((u) => /apps\/api\/src\/(usage|catalog|runtime\/clock)/.test(u))],
  ['Nest pipeline, Fastify routing', (s) => s.some((u) => /@nestjs|fastify/.test(u))],
  ['(program)', (s) => /\(program\)/.test(s[0])],
];
const out = [];
for (let i = 0; i < args.length; i += 2) {
  const p = JSON.parse(readFileSync(args[i], 'utf8'));
  const cpu = Number(args[i + 1]);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const m = new Map();
  let busy = 0;
  for (const id of p.samples) {
    const leaf = byId.get(id);
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy++;
    const s = [];
    for (let n = leaf; n; n = byId.get(parent.get(n.id))) s.push(`${n.callFrame.functionName} ${n.callFrame.url}`);
    const c = (cats.find(([, f]) => f(s)) ?? ['other (Node internals, microtasks, timers)'])[0];
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  out.push({ cpu, m, busy });
}
const keys = [...cats.map((c) => c[0]), 'other (Node internals, microtasks, timers)'];
console.log(
  '| part | ' +
    args
      .filter((_, i) => i % 2 === 0)
      .map((f) => f.replace(/.*alloc-hw_|\.cpuprofile/g, ''))
      .join(' | ') +
    ' |',
);
for (const k of keys)
  console.log(
    `| ${k} | ` +
      out
        .map(
          ({ cpu, m, busy }) =>
            `${((1000 * cpu * (m.get(k) ?? 0)) / busy).toFixed(1)} µs (${((100 * (m.get(k) ?? 0)) / busy).toFixed(1)}%)`,
        )
        .join(' | ') +
      ' |',
  );
console.log('| total | ' + out.map((o) => `${(o.cpu * 1000).toFixed(1)} µs`).join(' | ') + ' |');
