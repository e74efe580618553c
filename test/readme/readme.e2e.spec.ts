import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually } from '../infra/infra';
import { freePort } from '../support/processes';

const ROOT = resolve(__dirname, '../..');

/** The bash blocks the README marks with `<!-- walkthrough -->`, in order. */
function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- walkthrough -->\s*```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  if (blocks.length < 4) throw new Error(`expected the README's walk-through blocks, found ${blocks.length}`);
  return blocks.join('\n');
}

describe('the README walk-through, verbatim, against the embedded build', () => {
  let server: ChildProcess;
  let cwd: string;
  let port: number;
  let stdout = '';

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
    cwd = mkdtempSync(join(tmpdir(), 'tally-readme-'));
    port = await freePort();
    // As the walk-through says to start it: nothing set but the port and loopback webhooks (its
    // receiver is on this machine), so embedded mode with a generated admin token.
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    };
    server = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], { cwd, env });
    server.stdout?.on('data', (chunk) => (stdout += chunk));
    server.stderr?.on('data', (chunk) => (stdout += chunk));
    // Start-up is not what this suite measures: on a shared 2-core machine a cold embedded start
    // (PGlite, every projection's tables) has taken 32–52 s, so the walk-through waits up to 90 s.
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200), 90_000);
  }, 150_000);

  afterAll(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(cwd, { recursive: true, force: true });
  });

  it('prints the generated admin token once, and keeps the token in .data', () => {
    const token = readFileSync(join(cwd, '.data/admin-token'), 'utf8').trim();
    // Piped (not a terminal) and at LOG_LEVEL=warn: only the generated token's notice is printed.
    expect(stdout).toContain(`Generated admin token (shown once, kept in .data/admin-token):\n  ${token}`);
  });

  it('runs every block and shows what the README says', () => {
    const output = execFileSync('bash', ['-euo', 'pipefail', '-c', walkthrough()], {
      cwd,
      env: { ...process.env, PORT: String(port) },
      encoding: 'utf8',
    });
    const month = new Date().toISOString().slice(0, 7);
    expect(output).toMatch(/"id":"u-1".*"decision":"accepted".*"remaining":400.* HTTP 200/);
    expect(output).toMatch(/"id":"u-2".*"reason":"QUOTA_EXCEEDED".* HTTP 402/);
    expect(output.match(/"id":"u-1".*"decision":"accepted".* HTTP 200/g)).toHaveLength(2);
    expect(output).toMatch(/"id":"b-1".*"decision":"accepted".*"extensions":\{"traceparent":"00-4bf92f35[^"]*"\}.* HTTP 200/);
    expect(output).toMatch(
      /"id":"s-1".*"decision":"accepted".*"dataschema":"https:\/\/schemas.example.com\/usage\/v1.json".* HTTP 200/,
    );
    expect(output).toMatch(
      /\{"results":\[\{"id":"m-1".*"decision":"accepted".*\{"id":"m-2".*"decision":"accepted".*\]\} HTTP 200/,
    );
    expect(output).toMatch(/"id":"p-1".*"decision":"accepted".* HTTP 200/);
    expect(output).toMatch(/"id":"p-2".*"reason":"INSUFFICIENT_CREDITS".* HTTP 402/);
    expect(output).toContain(
      '{"balance":40,"held":0,"granted":100,"spent":60,"expired":0,"voided":0,"nextExpiry":null,"allowance":null}',
    );
    expect(output).toContain('"subject":"bob","units":0,"requests":0,"rejected":1');
    expect(output).toContain(
      'account,meter,month,units,billableUnits,blocks,blockSize,blockPrice,amount,currency,periodStart,periodEnd',
    );
    expect(output).toContain(`acme,geocoding,${month},600,400,4,100,0.50,2.00,USD,,`);
    expect(output).toContain(`acme,ocr,${month},30,30,1,1000,0,0.00,USD,,`);
    expect(output).toMatch(/"source":"geocoder","id":"u-1".*"quantity":600.*"reason":"test traffic","reversedAt":/);
    expect(output).toMatch(/"reversalReason":"test traffic"/);
    expect(output).toMatch(
      /"id":"job-7".*"quantity":300,"decision":"accepted".*"remaining":700.*"expiresAt":"[^"]+","creditsHeld":0\} HTTP 201/,
    );
    expect(output).toMatch(/"meter":"geocoding".*"usage":0,"reserved":300,"remaining":700,/);
    expect(output).toMatch(
      /"id":"job-7".*"quantity":120,"decision":"accepted".*"usage":120,"limit":1000,"remaining":880.* HTTP 200/,
    );
    expect(output).toMatch(/"meter":"geocoding".*"usage":0,"reserved":0,"remaining":1000,/);
    expect(output).toMatch(/"secret":"whsec_[A-Za-z0-9+/=]+"/);
    expect(output).toMatch(/"alertAt":\[50,80\]/);
    expect(output).toMatch(
      /alrt_[0-9a-f]{32} \{"type":"quota.threshold",.*"data":\{.*"account":"globex","meter":"geocoding","kind":"quota.threshold","threshold":50,"usage":53,"limit":100/,
    );
    expect(output.match(/alrt_[0-9a-f]{32} \{"type"/g)).toHaveLength(1);
    expect(output).toMatch(/\[\{"alertId":"alrt_[0-9a-f]{32}","attempt":1,.*"statusCode":200,"error":null/);
  });
});
