import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../infra/infra';
import { buildPrivately, freePort } from '../support/processes';

const ANSI = /\u001b\[[0-9;]*m/g;
const isJson = (line: string) => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

/** Starts the built server in a fresh folder, as `npm start` on a fresh clone does, and collects what it prints. */
async function firstStart(main: string, terminal: boolean) {
  const cwd = mkdtempSync(join(tmpdir(), 'tally-first-run-'));
  const port = await freePort();
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), TERM: 'xterm' };
  // `script` gives the server a pseudo-terminal, as a person's shell would.
  const child: ChildProcess = terminal
    ? spawn('script', ['-qfc', `${process.execPath} ${main}`, '/dev/null'], { cwd, env })
    : spawn(process.execPath, [main], { cwd, env });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => (output.stdout += chunk));
  child.stderr?.on('data', (chunk) => (output.stderr += chunk));
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200), 60_000);
  await eventually(() =>
    expect(output.stdout + output.stderr).toMatch(terminal ? /shown once; kept in/ : /Generated admin token/),
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const token = readFileSync(join(cwd, '.data/admin-token'), 'utf8').trim();
  rmSync(cwd, { recursive: true, force: true });
  const lines = (text: string) =>
    text
      .replace(ANSI, '')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '');
  return { port, token, stdout: lines(output.stdout), stderr: lines(output.stderr) };
}

describe('the first start of a fresh clone', () => {
  let build: { dir: string; main: string };
  beforeAll(() => {
    build = buildPrivately('tally-first-run');
  });
  afterAll(() => rmSync(build.dir, { recursive: true, force: true }));

  it('on a terminal: readable lines, a word while the database is created, then the URL, docs and token last', async () => {
    const { port, token, stdout } = await firstStart(build.main, true);
    expect(stdout.filter(isJson)).toEqual([]);
    expect(stdout.join('\n')).not.toContain('Mapped {');
    const creating = stdout.findIndex((l) => /INFO.*creating the database in .*\.data/.test(l));
    expect(creating).toBeGreaterThanOrEqual(0);
    expect(stdout.slice(-4).map((l) => l.trim())).toEqual([
      `Tally listening on http://127.0.0.1:${port}`,
      `API docs     http://127.0.0.1:${port}/docs`,
      `admin token  ${token}`,
      '(generated now and shown once; kept in .data/admin-token)',
    ]);
  }, 90_000);

  it('piped: JSON lines only on stdout, the generated token on stderr and never in a log line', async () => {
    const { port, token, stdout, stderr } = await firstStart(build.main, false);
    const records = stdout.map((line) => JSON.parse(line));
    const messages = records.map((r) => r.msg as string);
    expect(messages.some((m) => m.startsWith('creating the database in'))).toBe(true);
    expect(messages).toContain(`Tally listening on http://127.0.0.1:${port}`);
    expect(messages.some((m) => m.startsWith('Mapped {'))).toBe(false);
    expect(stdout.join('\n')).not.toContain(token);
    expect(stderr).toEqual(['Generated admin token (shown once, kept in .data/admin-token):', `  ${token}`]);
  }, 90_000);
});
