import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { eventually } from '../infra/infra';
import { ADMIN_TOKEN, Client } from './tally';

const ROOT = resolve(__dirname, '../..');

/** The built api (`npm start`, or `start:api` with `apiOnly`) as its own process, as users run it. */
export interface ApiProcess {
  url: string;
  admin: Client;
  /** Its JSON log lines so far. */
  logs: string[];
  child(): ChildProcess;
  start(): Promise<void>;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export function apiProcess(
  env: Record<string, string>,
  /** `main`: a build of its own (see `buildPrivately`), instead of the repository's dist. */
  options: { apiOnly?: boolean; main?: string } = {},
): ApiProcess {
  const logs: string[] = [];
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${env.PORT}`;
  const api: ApiProcess = {
    url,
    admin: new Client(url, ADMIN_TOKEN),
    logs,
    child: () => child!,
    async start() {
      const args = [options.main ?? resolve(ROOT, 'dist/apps/api/src/main.js'), ...(options.apiOnly ? ['--api-only'] : [])];
      child = spawn(process.execPath, args, {
        env: { PATH: process.env.PATH, METERING_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let partial = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop()!;
        logs.push(...lines.filter((l) => l.startsWith('{')));
      });
      child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
      await api.ready();
    },
    async ready(timeoutMs = 60_000) {
      await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), timeoutMs);
    },
    async kill(signal) {
      // Gone already (an exit code, or the signal that ended it): nothing to wait for.
      if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
      const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));
      child.kill(signal);
      return exited;
    },
  };
  return api;
}

/** Log lines at error level or above (pino: 50 error, 60 fatal). */
export function errorLines(logs: string[]): string[] {
  return logs.filter((line) => {
    try {
      return (JSON.parse(line) as { level: number }).level >= 50;
    } catch {
      return false;
    }
  });
}
