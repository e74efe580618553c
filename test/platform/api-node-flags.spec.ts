import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const API_NODE_FLAGS = ['--max-semi-space-size=16', '--max-old-space-size=256'];
const PROJECTOR_MAIN = 'dist/apps/projector/src/main.js';

/** The words of the command an npm script runs last (after its build). */
function scriptCommand(script: string): string[] {
  const line = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts[script];
  return line.split(' && ').at(-1)!.split(' ');
}

/** The words of a command line that come between `node` and the api's (or the projector's) main.js. */
function flagsBefore(command: string[], mainJs = 'dist/apps/api/src/main.js'): string[] {
  const main = command.indexOf(mainJs);
  expect(command[0]).toBe('node');
  expect(main).toBeGreaterThan(0);
  return command.slice(1, main);
}

// The api's young generation is capped where users start it (docs/benchmarks.md "One busy
// account"), and the bench measures the api started the same way.
describe('the Node flags the api is started with', () => {
  it('are those the bench starts the api with (`npm start` and `start:api` alike)', () => {
    // bench/ is not a project tests may import: its source, as the bench builds it.
    const support = read('bench/support.ts');
    expect(support).toContain(`export const API_NODE_FLAGS = [${API_NODE_FLAGS.map((flag) => `'${flag}'`).join(', ')}];`);
    expect(support).toContain('{ all: API_NODE_FLAGS, api: API_NODE_FLAGS, projector: API_NODE_FLAGS }');
    expect(support).toContain('spawn(process.execPath, [...FLAGS[kind], ');
  });

  it.each(['start', 'start:api'])('are those of `npm run %s`', (script) => {
    const command = scriptCommand(script).filter((word) => !word.startsWith('GLIBC_TUNABLES='));
    expect(flagsBefore(command)).toEqual(API_NODE_FLAGS);
  });
});

// Embedded mode's process holds PGlite, whose start leaves ~100 MiB freed but kept by glibc's
// allocator unless told to give it back (docs/operations.md "Embedded PGlite's memory").
describe("the allocator settings of embedded mode's process", () => {
  it('are set by `npm start`, as the bench starts it, and not by `start:api`', () => {
    const support = read('bench/support.ts');
    const tunables = /export const EMBEDDED_GLIBC_TUNABLES = '([^']+)';/.exec(support)?.[1];
    expect(tunables).toBe('glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072');
    expect(support).toContain('all: { GLIBC_TUNABLES: EMBEDDED_GLIBC_TUNABLES }');
    expect(scriptCommand('start')[0]).toBe(`GLIBC_TUNABLES=${tunables}`);
    expect(scriptCommand('start:api')[0]).toBe('node');
  });

  it("are those of the Docker image's command and of the compose api service", () => {
    const cmd = read('Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('CMD '))!;
    expect(flagsBefore(JSON.parse(cmd.slice(4)) as string[])).toEqual(API_NODE_FLAGS);
    const compose = parse(read('docker-compose.yml')) as { services: { api: { command: string[] } } };
    expect(flagsBefore(compose.services.api.command)).toEqual(API_NODE_FLAGS);
  });

  // Its heap uncapped, the projector grew to 370–410 MiB in the Kafka bench; capped, 195–298 MiB
  // for the same CPU within the runs' spread (docs/benchmarks.md "The projector's heap").
  it('are those of `npm run start:projector` and of the compose projector service', () => {
    expect(flagsBefore(scriptCommand('start:projector'), PROJECTOR_MAIN)).toEqual(API_NODE_FLAGS);
    const compose = parse(read('docker-compose.yml')) as { services: { projector: { command: string[] } } };
    expect(flagsBefore(compose.services.projector.command, PROJECTOR_MAIN)).toEqual(API_NODE_FLAGS);
  });
});
