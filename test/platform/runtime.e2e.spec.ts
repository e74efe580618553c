import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildPrivately, ROOT } from '../support/processes';

// The Node that package.json pins (devDependencies.node) runs everything, whatever the machine's own.
const pinned = `v${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).devDependencies.node}`;

describe('the pinned Node runtime', () => {
  it('runs the jest workers', () => {
    expect(process.version).toBe(pinned);
  });

  it('runs the processes the tests spawn, and the `node` of npm scripts (the builds the tests run)', () => {
    expect(execFileSync(process.execPath, ['-p', 'process.version']).toString().trim()).toBe(pinned);
    expect(execFileSync('npm', ['exec', '--', 'node', '-p', 'process.version'], { cwd: ROOT }).toString().trim()).toBe(pinned);
    expect(execFileSync('npm', ['run', '--silent', 'node:version'], { cwd: ROOT }).toString().trim()).toBe(pinned);
  });
});

describe("Node's warnings in Tally's processes", () => {
  let build: { dir: string; main: string };
  beforeAll(() => {
    build = buildPrivately('tally-warnings');
  });
  afterAll(() => rmSync(build.dir, { recursive: true, force: true }));

  it("are JSON log lines (kafkajs' negative throttle check at debug), and Node prints none itself", () => {
    const runtime = join(build.dir, 'dist/libs/runtime/src/index.js');
    const program = `
      const { createLogger, logProcessWarnings } = require(${JSON.stringify(runtime)});
      logProcessWarnings(createLogger('debug', 'warnings-test'));
      process.emitWarning('something to look at', { type: 'TallyTestWarning', code: 'TALLY1' });
      const negative = new Error('-5 is a negative number.');
      negative.name = 'TimeoutNegativeWarning';
      negative.stack = 'TimeoutNegativeWarning: -5\\n    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)';
      process.emitWarning(negative);
      setTimeout(() => undefined, -5);`;
    const run = spawnSync(process.execPath, ['-e', program], { cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(run.stderr.toString()).toBe('');
    const lines = run.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'TallyTestWarning: something to look at'],
      [20, 'TimeoutNegativeWarning: -5 is a negative number.'],
      [40, 'TimeoutNegativeWarning: -5 is a negative number.\nTimeout duration was set to 1.'],
    ]);
    expect(lines[0].warning).toMatchObject({ name: 'TallyTestWarning', code: 'TALLY1' });
  });
});
