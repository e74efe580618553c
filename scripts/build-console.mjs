// Builds the admin console (apps/console) into dist/console, which the api serves at /console.
// Several test suites run `npm run build` at once: each builds into its own folder and swaps it
// in with a rename, so no server ever reads a half-written console.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(process.argv[2] ?? join(root, 'dist/console'));
const scratch = `${target}.${process.pid}.tmp`;
const old = `${target}.${process.pid}.old`;

await build({
  configFile: false,
  root: join(root, 'apps/console'),
  // Relative asset URLs: the page works wherever it is mounted (/console/ here).
  base: './',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: scratch, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 200 },
});

mkdirSync(dirname(target), { recursive: true });
if (existsSync(target)) {
  try {
    renameSync(target, old);
  } catch {
    // Another build swapped at the same moment; ours replaces whatever is there now.
    rmSync(target, { recursive: true, force: true });
  }
}
try {
  renameSync(scratch, target);
} catch {
  // Another build put an identical console in place between our two renames: keep it.
  rmSync(scratch, { recursive: true, force: true });
}
rmSync(old, { recursive: true, force: true });
