import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@tally/runtime';
import { parse } from 'yaml';
import { interpolate, MissingVariable, parseDotenv, variablesOf } from './interpolate';
import { SAMPLE_SECRETS } from './sample-secrets';

const ROOT = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

interface Service {
  environment?: Record<string, string | number>;
  ports?: string[];
}
type Compose = { services: Record<string, Service> };

const raw = parse(read('docker-compose.yml')) as Compose;
const SECRETS = Object.keys(SAMPLE_SECRETS);
const { all: VARIABLES, required: REQUIRED } = variablesOf(JSON.stringify(raw));

/** What compose makes of the file with `env` (and no .env), or the error it stops with. */
function composed(env: Record<string, string>): Compose {
  return interpolate(raw, env);
}
const failure = (env: Record<string, string>) => {
  try {
    composed(env);
  } catch (error) {
    return error as Error;
  }
  throw new Error('compose would have started');
};

describe('docker-compose.yml is safe by default', () => {
  it('requires each secret, and defaults none of them', () => {
    expect([...REQUIRED].sort()).toEqual([...SECRETS].sort());
    const text = read('docker-compose.yml');
    expect(text).not.toMatch(/change-me|:-admin\}|PASSWORD: tally|postgres:tally@/);
  });

  it('refuses to start without any .env, naming the missing secret', () => {
    const error = failure({});
    expect(error).toBeInstanceOf(MissingVariable);
    expect(SECRETS).toContain((error as MissingVariable).variable);
    expect(error.message).toMatch(
      /^required variable (METERING_ADMIN_TOKEN|POSTGRES_PASSWORD|GRAFANA_ADMIN_PASSWORD) is missing a value: \1 is not set; put a long random one in \.env \(docs\/production\.md\)$/,
    );
  });

  it.each(SECRETS)('refuses to start while %s is unset or empty, naming it', (name) => {
    const { [name]: _, ...others } = SAMPLE_SECRETS;
    for (const env of [others, { ...others, [name]: '' }]) {
      const error = failure(env);
      expect((error as MissingVariable).variable).toBe(name);
      expect(error.message).toContain(`${name} is not set`);
    }
  });

  it('starts from .env.example only once its secrets are filled in, and it lists every variable the file reads', () => {
    const example = read('.env.example');
    expect((failure(parseDotenv(example)) as MissingVariable).variable).toBeDefined();
    for (const name of VARIABLES) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('starts with the .env the documented command generates, secrets strong enough for the apps', () => {
    const docs = read('docs/production.md');
    const command = /<!-- generate-env -->\s*```bash\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(command).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'tally-env-'));
    try {
      execFileSync('bash', ['-euo', 'pipefail', '-c', command!], { cwd: dir });
      const env = parseDotenv(readFileSync(join(dir, '.env'), 'utf8'));
      expect(Object.keys(env).sort()).toEqual([...SECRETS].sort());
      for (const value of Object.values(env)) expect(value).toMatch(/^[0-9a-f]{64}$/);
      const api = composed(env).services.api.environment!;
      const config = loadConfig(Object.fromEntries(Object.entries(api).map(([k, v]) => [k, String(v)])));
      expect(config.adminToken).toBe(env.METERING_ADMIN_TOKEN);
      expect(new URL(config.databaseUrl!).password).toBe(env.POSTGRES_PASSWORD);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes ports on 127.0.0.1 only, unless TALLY_BIND opens them', () => {
    const portsOf = (c: Compose) => Object.entries(c.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p]));
    const local = portsOf(composed(SAMPLE_SECRETS));
    expect(local.map(([name]) => name).sort()).toEqual(['api', 'grafana', 'projector', 'prometheus']);
    for (const [, port] of local) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    for (const [, port] of portsOf(composed({ ...SAMPLE_SECRETS, TALLY_BIND: '0.0.0.0' }))) expect(port).toMatch(/^0\.0\.0\.0:/);
  });

  it('keeps Kafka (no auth), EventStoreDB (insecure) and PostgreSQL inside, unless the development override publishes them on 127.0.0.1', () => {
    for (const name of ['kafka', 'eventstore', 'postgres']) expect(raw.services[name].ports).toBeUndefined();
    const override = parse(read('docker-compose.ports.yml')) as Compose;
    expect(Object.keys(override.services).sort()).toEqual(['eventstore', 'kafka', 'postgres']);
    for (const service of Object.values(override.services)) {
      for (const port of service.ports!) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });

  it('runs the apps on every interface of their container only (HOST), the host publishing what it chooses', () => {
    for (const name of ['api', 'projector']) expect(raw.services[name].environment?.HOST).toBe('0.0.0.0');
  });

  it('gives Grafana no anonymous access and no default admin password', () => {
    const grafana = composed(SAMPLE_SECRETS).services.grafana.environment!;
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(grafana.GF_SECURITY_ADMIN_PASSWORD).toBe(SAMPLE_SECRETS.GRAFANA_ADMIN_PASSWORD);
  });

  it('builds an image that runs as a non-root user, cannot rewrite its code, and keeps .env out of the build', () => {
    const dockerfile = read('Dockerfile');
    const final = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(final).toMatch(/^USER node$/m);
    expect(final).not.toMatch(/^USER root$/m);
    // Copied without --chown: root owns the code, the node user may only read it.
    for (const copy of final.match(/^COPY .*$/gm)!) expect(copy).not.toContain('--chown');
    expect(final).toMatch(/chown node:node \/app\/\.data/);
    expect(read('.dockerignore').split('\n')).toContain('.env');
    expect(read('.gitignore').split('\n')).toContain('.env');
  });
});

/**
 * The compose CLI itself, where one is installed: `docker compose` (v2), or Debian's
 * `docker-compose` (v1, whose schema predates the top-level `name:`, so only its refusal is
 * asked of it: interpolation comes before the schema check). Neither needs a Docker engine.
 */
const cli = (() => {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return { command: 'docker', args: ['compose'], v2: true };
  if (spawnSync('docker-compose', ['version']).status === 0) return { command: 'docker-compose', args: [], v2: false };
  return null;
})();

describe('the compose CLI on docker-compose.yml', () => {
  if (!cli) {
    it('is not installed here: the interpolation above stands in for `docker compose config`', () => {
      console.log(
        '[compose] no docker compose or docker-compose on this machine; compose.spec.ts checked the file as compose interpolates it',
      );
      expect(cli).toBeNull();
    });
    return;
  }
  const config = (env: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-compose-'));
    copyFileSync(resolve(ROOT, 'docker-compose.yml'), join(dir, 'docker-compose.yml'));
    try {
      const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
      return spawnSync(cli.command, [...cli.args, '--project-directory', dir, '-f', join(dir, 'docker-compose.yml'), 'config'], {
        env: { ...base, ...env },
        encoding: 'utf8',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('`config` with no .env fails, naming the missing secret', () => {
    const run = config({});
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/(METERING_ADMIN_TOKEN|POSTGRES_PASSWORD|GRAFANA_ADMIN_PASSWORD) is not set/);
    for (const name of SECRETS) {
      const { [name]: _, ...others } = SAMPLE_SECRETS;
      const without = config(others);
      expect([without.status === 0, without.stderr]).toEqual([false, expect.stringContaining(`${name} is not set`)]);
    }
  });

  if (cli.v2) {
    it('`config` with every secret set succeeds', () => {
      expect(config(SAMPLE_SECRETS).status).toBe(0);
    });
  }
});
