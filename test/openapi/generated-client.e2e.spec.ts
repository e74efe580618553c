import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTally, unique, type RunningTally } from '../support/tally';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

// A producer's program, written against the types generated from /openapi.json: if the
// contract drifts from what the routes take and answer, either tsc or the run below fails.
const PROGRAM = `
import createClient from 'openapi-fetch';
import type { paths } from './openapi.js';

const client = createClient<paths>({
  baseUrl: process.env.TALLY_URL!,
  headers: { Authorization: \`Bearer \${process.env.TALLY_TOKEN}\` },
});
const account = process.env.ACCOUNT!;
const usage = (id: string, quantity: number) => ({
  specversion: '1.0' as const,
  id,
  source: 'generated-client',
  type: 'metering.usage.v1' as const,
  subject: account,
  data: { meter: 'pages', quantity },
});

const quota = await client.PUT('/v1/accounts/{account}/quotas/{meter}', {
  params: { path: { account, meter: 'pages' } },
  body: { limit: 5, enforcement: 'hard' },
});
const accepted = await client.POST('/v1/usage', { body: usage('g-1', 3) });
const rejected = await client.POST('/v1/usage', { body: usage('g-2', 3) });
const invalid = await client.POST('/v1/usage', { body: usage('g-3', 0) });
const check = await client.POST('/v1/usage/check', { body: usage('g-4', 2) });
const status = await client.GET('/v1/accounts/{account}/quotas/{meter}', { params: { path: { account, meter: 'pages' } } });
const today = new Date().toISOString().slice(0, 10);
const daily = await client.GET('/v1/accounts/{account}/usage', {
  params: { path: { account }, query: { from: today, to: today, granularity: 'day', groupBy: 'subject' } },
});

const decision = accepted.data && 'decision' in accepted.data ? accepted.data : null;
const refusal = rejected.error && 'decision' in rejected.error ? rejected.error : null;
const problem = invalid.error && 'code' in invalid.error ? invalid.error : null;
console.log(
  JSON.stringify({
    limit: quota.data?.limit,
    accepted: [accepted.response.status, decision?.decision, decision?.remaining],
    rejected: [rejected.response.status, refusal?.reason],
    invalid: [invalid.response.status, problem?.code, problem?.errors?.[0]?.field],
    check: [check.data?.allowed, check.data?.remaining],
    usage: status.data?.usage,
    daily: [daily.response.status, Array.isArray(daily.data)],
  }),
);
`;

describe('a TypeScript client generated from /openapi.json (openapi-typescript + openapi-fetch)', () => {
  let tally: RunningTally;
  let dir: string;
  beforeAll(async () => {
    tally = await startTally('pglite');
    // Inside the repository's node_modules, so that the program resolves openapi-fetch as a producer's would.
    mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'node_modules/.cache/tally-client-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await tally.destroy();
  });

  it('type-checks a program against the generated types and calls a running Tally through it', async () => {
    const document = (await tally.admin.get('/openapi.json')).body;
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    // The generator's CLI, as a producer would run it (request fields with a default stay optional).
    const generator = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    const args = [join(dir, 'openapi.json'), '--default-non-nullable', 'false', '-o', join(dir, 'openapi.d.ts')];
    await run(process.execPath, [generator, ...args], { cwd: dir });
    writeFileSync(join(dir, 'program.mts'), PROGRAM);
    // The project's type-checker (TypeScript 7); the files named, not the repository's tsconfig.json.
    const tsc = join(ROOT, 'node_modules/typescript-native/bin/tsc');
    const compiled = await run(
      process.execPath,
      [
        tsc,
        '--ignoreConfig',
        '--types',
        'node',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--outDir',
        dir,
        join(dir, 'program.mts'),
      ],
      { cwd: dir },
    ).catch((error: { stdout: string }) => ({ stdout: error.stdout, failed: true }));
    expect(compiled.stdout).toBe('');

    const account = unique('gen');
    const { stdout } = await run(process.execPath, [join(dir, 'program.mjs')], {
      env: { ...process.env, TALLY_URL: tally.url, TALLY_TOKEN: tally.admin.token!, ACCOUNT: account },
    });
    expect(JSON.parse(stdout)).toEqual({
      limit: 5,
      accepted: [200, 'accepted', 2],
      rejected: [402, 'QUOTA_EXCEEDED'],
      invalid: [400, 'VALIDATION_FAILED', 'data.quantity'],
      check: [true, 0],
      usage: 3,
      daily: [200, true],
    });
  }, 60_000);
});
