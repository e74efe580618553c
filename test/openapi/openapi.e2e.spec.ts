import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTally, type RunningTally } from '../support/tally';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  requestBody?: { content: Record<string, unknown> };
};

// The document /openapi.json serves is a contract: a maintained linter accepts it, and every
// route says what it answers, so client generators get types instead of `unknown`.
describe('the OpenAPI document', () => {
  let tally: RunningTally;
  let document: { paths: Record<string, Record<string, Operation>> };
  let dir: string;
  beforeAll(async () => {
    tally = await startTally('pglite');
    document = (await tally.admin.get('/openapi.json')).body;
    dir = mkdtempSync(join(tmpdir(), 'tally-openapi-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await tally.destroy();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));

  it('passes Redocly CLI lint (recommended rules) with no error and no warning', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout } = await run(process.execPath, [cli, 'lint', file, '--format=json'], { cwd: ROOT }).catch((e) => e);
    const report = JSON.parse(stdout);
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('gives every operation a stable camel-case id and a JSON schema for its success answer', () => {
    expect(operations().length).toBeGreaterThanOrEqual(19);
    for (const { path, method, op } of operations()) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      const [status, success] = Object.entries(op.responses).find(([s]) => s.startsWith('2'))!;
      if (path === '/metrics') continue;
      // 204 No Content is the one success that has no body to describe.
      if (status === '204') {
        expect(success.content).toBeUndefined();
        continue;
      }
      expect([`${method} ${path} ${status}`, Object.values(success.content ?? {})[0]]).toEqual([
        `${method} ${path} ${status}`,
        { schema: expect.anything() },
      ]);
    }
  });

  it('documents POST /v1/usage as 200 / 402 with a decision, problem+json errors and the CloudEvents media types', () => {
    const record = document.paths['/v1/usage'].post;
    expect(record.operationId).toBe('recordUsage');
    expect(Object.keys(record.responses).sort()).toEqual(['200', '400', '401', '402', '403', '413', '415', '429']);
    expect(record.responses['402'].content!['application/json'].schema).toEqual({ $ref: '#/components/schemas/Decision' });
    expect(record.responses['400'].content).toEqual({
      'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
    });
    expect(Object.keys(record.requestBody!.content)).toEqual([
      'application/json',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
    ]);
    expect(document.paths['/v1/usage/check'].post.operationId).toBe('checkUsage');
  });
});
