import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/**
 * Builds the service as `npm start` does, into a folder of its own inside the repository (so
 * that node_modules resolves): suites running in parallel never read a half-written `dist`.
 */
export function buildPrivately(name: string): { dir: string; main: string } {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, `node_modules/.cache/${name}-`));
  execFileSync('npm', ['run', 'build:services', '--silent', '--', '-d', join(dir, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  execFileSync('npm', ['run', 'build:console', '--silent', '--', join(dir, 'dist/console')], { cwd: ROOT, stdio: 'pipe' });
  return { dir, main: join(dir, 'dist/apps/api/src/main.js') };
}
