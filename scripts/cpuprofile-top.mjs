#!/usr/bin/env node
// Summarises a V8 .cpuprofile (`node --cpu-prof`): self time by package or file, self time by
// function, and inclusive time (each sample counted once per function on its stack) by function.
// Usage: node scripts/cpuprofile-top.mjs <file.cpuprofile> [rows=30] [filter-substring]
// With a filter, only functions whose "name file:line" contains it are listed (e.g. "pino").
import { readFileSync } from 'node:fs';

const [file, rowsArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-top.mjs <file.cpuprofile> [rows] [filter]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Where a frame's code lives: a package under node_modules, a file of the project, or V8's own.
const shortUrl = (url) => {
  if (!url) return '';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) return url.slice(at + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
};
const packageOf = (url) => {
  if (!url) return '(native / V8)';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    const rest = url.slice(at + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + '/dist/'.length) : url;
};
const keyOf = (n) => {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  return f.url ? `${name} ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
};

const selfByNode = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + dt);
}

const selfByFn = new Map();
const selfByPkg = new Map();
const inclByFn = new Map();
for (const [id, us] of selfByNode) {
  const node = byId.get(id);
  const key = keyOf(node);
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + us);
  const pkg = node.callFrame.url ? packageOf(node.callFrame.url) : node.callFrame.functionName || '(native / V8)';
  selfByPkg.set(pkg, (selfByPkg.get(pkg) ?? 0) + us);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = keyOf(byId.get(at));
    if (seen.has(k)) continue;
    seen.add(k);
    inclByFn.set(k, (inclByFn.get(k) ?? 0) + us);
  }
}

const idle = selfByFn.get('(idle)') ?? 0;
const busy = total - idle;
const pct = (us) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const table = (title, map) => {
  console.log(`\n${title}`);
  [...map]
    .filter(([k]) => k !== '(idle)' && (!filter || k.includes(filter)))
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .forEach(([k, us]) => console.log(`${ms(us)} ${pct(us)}  ${k}`));
};

console.log(
  `${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(idle / 1e6).toFixed(2)} s idle, ${(busy / 1e6).toFixed(2)} s busy (percentages are of busy)`,
);
if (!filter) table('self time by package / file', selfByPkg);
table('self time by function', selfByFn);
table('inclusive time by function', inclByFn);
