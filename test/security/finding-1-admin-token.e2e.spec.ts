import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { interpolate, MissingVariable } from '../compose/interpolate';
import { ROOT } from '../support/processes';
import { reachable, SecurityServer } from './security-server';

// Issue 18, finding 1 (high): docker-compose.yml defaulted METERING_ADMIN_TOKEN to a well-known
// value and published the api on every interface, with Grafana as admin/admin, PostgreSQL's
// password `tally`, and an insecure EventStoreDB and Kafka without auth published too.
// (Failed logins limited per client address: pending/finding-1-login-limiting.e2e.spec.ts.)

const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { environment?: Record<string, unknown>; ports?: string[] }>;
};

/** This machine's addresses other than loopback, and a loopback address other than 127.0.0.1. */
const otherAddresses = () => [
  '127.0.0.2',
  ...Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address),
];

describe('finding 1: no well-known admin token, nothing published beyond this machine', () => {
  const servers = new SecurityServer();
  beforeAll(() => servers.prepare(), 120_000);
  afterAll(() => servers.destroy());

  it('compose will not start the api without a token of your own: no default exists to guess', () => {
    let refused: unknown;
    try {
      interpolate(compose, {});
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(MissingVariable);
    expect(String(compose.services.api.environment?.METERING_ADMIN_TOKEN)).toMatch(/^\$\{METERING_ADMIN_TOKEN:\?[^}]+\}$/);
    expect(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')).not.toContain('change-me');
  });

  it('compose publishes nothing on every interface, and keeps Kafka, EventStoreDB and PostgreSQL unpublished', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? [])
        expect([name, port]).toEqual([name, expect.stringMatching(/^\$\{TALLY_BIND:-127\.0\.0\.1\}:/)]);
    }
    for (const name of ['kafka', 'eventstore', 'postgres']) expect(compose.services[name].ports).toBeUndefined();
  });

  it('Grafana has neither anonymous access nor a default password', () => {
    const grafana = compose.services.grafana.environment!;
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(String(grafana.GF_SECURITY_ADMIN_PASSWORD)).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
  });

  it('the server started as `npm start` starts it answers on 127.0.0.1 only', async () => {
    const api = await servers.start();
    expect((await fetch(`http://127.0.0.1:${api.port}/healthz`)).status).toBe(200);
    for (const address of otherAddresses()) expect([address, await reachable(address, api.port)]).toEqual([address, false]);
    await api.kill('SIGKILL');
  }, 90_000);
});
