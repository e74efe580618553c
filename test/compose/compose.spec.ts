import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENVIRONMENT, loadConfig } from '@tally/runtime';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { services } = compose;

/** The environment a service's process sees, with `${VAR:-default}` taken at its default. */
function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]),
  );
}

const published = (service: Service) => (service.ports ?? []).map((p) => Number(p.split(':').at(-1)));

describe('docker-compose.yml agrees with the code', () => {
  it('runs the five services of the full stack', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'kafka', 'postgres', 'projector']);
    expect(services.kafka.image).toMatch(/^apache\/kafka:3\.9\./);
    expect(services.eventstore.image).toMatch(/^eventstore\/eventstore:/);
  });

  it.each(['api', 'projector'])('gives the %s only variables the configuration reads, and a configuration that loads', (name) => {
    const env = environmentOf(services[name]);
    for (const key of Object.keys(env)) expect(ENVIRONMENT).toContain(key);
    const config = loadConfig(env);
    expect(config.eventStore).toBe('eventstoredb');
    expect(config.databaseUrl).not.toBeNull();
  });

  it('points the apps at the services that exist, on the ports they listen on', () => {
    const pg = environmentOf(services.postgres);
    for (const name of ['api', 'projector']) {
      const config = loadConfig(environmentOf(services[name]));
      const db = new URL(config.databaseUrl!);
      expect([db.hostname, db.port || '5432', db.username, db.password, db.pathname]).toEqual([
        'postgres',
        '5432',
        pg.POSTGRES_USER,
        pg.POSTGRES_PASSWORD,
        `/${pg.POSTGRES_DB}`,
      ]);
      const esdb = new URL(config.esdbConnectionString!.replace(/^esdb:/, 'http:'));
      const eventstore = environmentOf(services.eventstore);
      expect([esdb.hostname, esdb.port]).toEqual(['eventstore', eventstore.EVENTSTORE_HTTP_PORT]);
      expect(esdb.searchParams.get('tls') === 'false').toBe(eventstore.EVENTSTORE_INSECURE === 'true');
    }
    const api = loadConfig(environmentOf(services.api));
    const advertised = environmentOf(services.kafka)
      .KAFKA_ADVERTISED_LISTENERS.split(',')
      .map((l) => l.replace(/^\w+:\/\//, ''));
    for (const name of ['api', 'projector']) {
      const brokers = loadConfig(environmentOf(services[name])).kafkaBrokers;
      expect(brokers).not.toBeNull();
      for (const broker of brokers ?? []) expect(advertised).toContain(broker);
    }
    expect(published(services.api)).toContain(api.port);
    expect(services.api.healthcheck?.test.join(' ')).toContain(`localhost:${api.port}/readyz`);
    const projector = loadConfig(environmentOf(services.projector));
    expect(published(services.projector)).toContain(projector.projectorPort);
    expect(services.projector.healthcheck?.test.join(' ')).toContain(`localhost:${projector.projectorPort}/readyz`);
  });

  it('starts each app after what it needs is healthy, and checks every service', () => {
    expect(services.api.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      eventstore: { condition: 'service_healthy' },
      kafka: { condition: 'service_healthy' },
    });
    // The projector relays decisions to Kafka.
    expect(services.projector.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      eventstore: { condition: 'service_healthy' },
      kafka: { condition: 'service_healthy' },
    });
    for (const service of Object.values(services)) expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('keeps data in named volumes that are declared', () => {
    const used = Object.values(services).flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]));
    expect(used.sort()).toEqual(['eventstore-data', 'kafka-data', 'postgres-data']);
    for (const volume of used) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('builds both apps from the Dockerfile and runs entry points that the build produces', () => {
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/FROM node:20[\w.-]* AS build/);
    expect(dockerfile).toContain('npm run build');
    for (const name of ['api', 'projector']) {
      expect(services[name].build).toBe('.');
      const entry = services[name].command!.find((part) => part.startsWith('dist/'))!;
      expect(existsSync(resolve(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
  });
});

describe('the README documents every setting', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  it.each([...ENVIRONMENT])('%s', (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });
});
