#!/usr/bin/env node
// Summarises a V8 sampling heap profile (.heapprofile: `--heap-prof`, or HeapProfiler.stopSampling
// as scripts/alloc-window.mjs writes it), in bytes per unit of work: bytes allocated by the
// allocating function, by the package or file of the allocating JavaScript frame, and by the
// nearest frame of the project's own code (dist/) on the stack.
// Usage: node scripts/heapprofile-top.mjs <file.heapprofile> [units=1] [rows=30]
import { readFileSync } from 'node:fs';

const [file, unitsArg, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: heapprofile-top.mjs <file.heapprofile> [units] [rows]');
  process.exit(2);
}
const units = Number(unitsArg ?? 1);
const rows = Number(rowsArg ?? 30);
const { head } = JSON.parse(readFileSync(file, 'utf8'));

const parent = new Map();
const nodes = [];
(function walk(node, up) {
  nodes.push(node);
  if (up) parent.set(node.id, up);
  for (const child of node.children) walk(child, node);
})(head, null);

const moduleOf = (url) =>
  url.includes('node_modules/')
    ? url.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1')
    : url.includes('/dist/')
      ? url.replace(/.*\/dist\//, '')
      : url || '(native)';
const fileOf = (url) => url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '') || '(native)';
const frame = (cf) => `${cf.functionName || '(anonymous)'} ${fileOf(cf.url)}:${cf.lineNumber + 1}`;

const byFunction = new Map();
const byModule = new Map();
const byAppFrame = new Map();
const add = (map, key, size) => map.set(key, (map.get(key) ?? 0) + size);
let total = 0;
for (const node of nodes) {
  const size = node.selfSize;
  if (!size) continue;
  total += size;
  add(byFunction, frame(node.callFrame), size);
  let js = node;
  while (js && !js.callFrame.url) js = parent.get(js.id);
  const module = js ? moduleOf(js.callFrame.url) : '(native)';
  add(byModule, module, size);
  let app = node;
  while (app && !app.callFrame.url.includes('/dist/')) app = parent.get(app.id);
  add(byAppFrame, app ? frame(app.callFrame) : `(no project frame) ${module}`, size);
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [key, size] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${String(Math.round(size / units)).padStart(8)} ${((100 * size) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${Math.round(total / units)} bytes per unit (${units} units)`);
print('by allocating function', byFunction);
print('by package or file of the allocating JavaScript frame', byModule);
print("by nearest frame of the project's code", byAppFrame);
