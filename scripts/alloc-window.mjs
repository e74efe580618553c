// Preload (`--import scripts/alloc-window.mjs`) measuring what a process allocates in a window:
// the first SIGUSR2 opens it, the next closes it and writes ${ALLOC_DIR:-/tmp}/alloc-<port>.json:
// bytes allocated on the V8 heap (v8.GCProfiler: the heap in use before each collection less
// what the previous one left, plus the growth since the last), CPU (user + system), GC time and
// counts. With HEAP_SAMPLE=1 it also writes alloc-<port>.heapprofile, V8's sampling heap profile
// of the window (every HEAP_INTERVAL bytes, default 8192, objects collected since included).
// With CPU_PROFILE=1 it writes alloc-<port>.cpuprofile, V8's CPU profile of the window alone
// (sampled every CPU_INTERVAL µs, default 250; summarise it with scripts/cpuprofile-top.mjs).
// With PROMISE_COUNT=1 it counts the promises created in the window (v8.promiseHooks; slower),
// and with PROMISE_STACKS=1 also writes alloc-<port>.promises: where every 16th was created.
// It writes alloc-<port>.pid at start and alloc-<port>.open once a window is open. Used by
// scripts/alloc-http.mjs (docs/benchmarks.md "Bytes allocated per HTTP decision").
import fs from 'node:fs';
import inspector from 'node:inspector';
import v8 from 'node:v8';

const dir = process.env.ALLOC_DIR || '/tmp';
const port = process.env.PORT || process.env.PROJECTOR_PORT;
const file = (ext) => `${dir}/alloc-${port}.${ext}`;
let open = null;
let session = null;
const post = (method, params = {}) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));

process.on('SIGUSR2', async () => {
  if (!open) {
    if (process.env.HEAP_SAMPLE === '1') {
      session = new inspector.Session();
      session.connect();
      await post('HeapProfiler.startSampling', {
        samplingInterval: Number(process.env.HEAP_INTERVAL || 8192),
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    if (process.env.CPU_PROFILE === '1') {
      session ??= new inspector.Session();
      if (process.env.HEAP_SAMPLE !== '1') session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_INTERVAL || 250) });
      await post('Profiler.start');
    }
    let promises = 0;
    const stacks = process.env.PROMISE_STACKS === '1' ? new Map() : null;
    const onInit = stacks
      ? () => {
          if (promises++ % 16 !== 0) return;
          const frames = (new Error().stack ?? '').split('\n').slice(2, 8).map((f) => f.trim().replace(/\(.*(node_modules|dist)\//, '('));
          const key = frames.join(' < ');
          stacks.set(key, (stacks.get(key) ?? 0) + 1);
        }
      : () => promises++;
    const stopCounting = process.env.PROMISE_COUNT === '1' ? v8.promiseHooks.onInit(onInit) : null;
    const counted = () => {
      stopCounting?.();
      if (stacks) {
        const top = [...stacks].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n * 16}\t${k}`);
        fs.writeFileSync(file('promises'), top.join('\n'));
      }
      return stopCounting ? promises : null;
    };
    const profiler = new v8.GCProfiler();
    const used = v8.getHeapStatistics().used_heap_size;
    profiler.start();
    open = { profiler, used, cpu: process.cpuUsage(), counted };
    fs.writeFileSync(file('open'), '1');
    return;
  }
  const { profiler, used, cpu: cpuBefore, counted } = open;
  const promises = counted();
  open = null;
  const { statistics } = profiler.stop();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  const cpu = process.cpuUsage(cpuBefore);
  let allocated = 0;
  let previous = used;
  let gcMs = 0;
  let minor = 0;
  for (const gc of statistics) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - previous;
    previous = gc.afterGC.heapStatistics.usedHeapSize;
    gcMs += gc.cost / 1000;
    if (gc.gcType === 'Scavenge' || gc.gcType === 'MinorMarkSweep') minor++;
  }
  allocated += usedAfter - previous;
  if (session && process.env.CPU_PROFILE === '1') {
    const { profile } = await post('Profiler.stop');
    fs.writeFileSync(file('cpuprofile'), JSON.stringify(profile));
  }
  if (session) {
    if (process.env.HEAP_SAMPLE === '1') {
      const { profile } = await post('HeapProfiler.stopSampling');
      fs.writeFileSync(file('heapprofile'), JSON.stringify(profile));
    }
    session.disconnect();
    session = null;
  }
  const result = { allocated, cpuMs: (cpu.user + cpu.system) / 1000, systemMs: cpu.system / 1000, promises, gcMs, minorGCs: minor, majorGCs: statistics.length - minor };
  fs.writeFileSync(file('json'), JSON.stringify(result));
});
fs.writeFileSync(file('pid'), String(process.pid));
