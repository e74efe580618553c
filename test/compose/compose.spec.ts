import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ENVIRONMENT, loadConfig } from '@tally/runtime';
import { parse } from 'yaml';
import { interpolate } from './interpolate';
import { SAMPLE_SECRETS } from './sample-secrets';

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
  profiles?: string[];
}

type Compose = { services: Record<string, Service>; volumes: Record<string, unknown> };

// The file as compose reads it, with the secrets a generated .env would hold (see secure-defaults.spec.ts).
const compose = interpolate(parse(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')) as Compose, SAMPLE_SECRETS);
const { services } = compose;

/** The environment a service's process sees. */
function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
}

const published = (service: Service) => (service.ports ?? []).map((p) => Number(p.split(':').at(-1)));

describe('docker-compose.yml agrees with the code', () => {
  it('runs the five services of the full stack, and Prometheus and Grafana only with the observability profile', () => {
    const always = Object.keys(services).filter((name) => !services[name].profiles);
    expect(always.sort()).toEqual(['api', 'eventstore', 'kafka', 'postgres', 'projector']);
    expect(services.prometheus.profiles).toEqual(['observability']);
    expect(services.grafana.profiles).toEqual(['observability']);
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
    const used = Object.values(services)
      .flatMap((s) => (s.volumes ?? []).map((v) => v.split(':')[0]))
      .filter((v) => !v.startsWith('./'));
    expect(used.sort()).toEqual(['eventstore-data', 'grafana-data', 'kafka-data', 'postgres-data', 'prometheus-data']);
    for (const volume of used) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('builds both apps from the Dockerfile and runs entry points that the build produces', () => {
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    // Both stages on the Node that package.json pins for development, tests and CI.
    const node = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).devDependencies.node;
    expect(dockerfile.match(/^FROM node:\S+/gm)).toEqual([`FROM node:${node}-bookworm-slim`, `FROM node:${node}-bookworm-slim`]);
    expect(dockerfile).toContain('npm run build');
    for (const name of ['api', 'projector']) {
      expect(services[name].build).toBe('.');
      const entry = services[name].command!.find((part) => part.startsWith('dist/'))!;
      expect(existsSync(resolve(ROOT, entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
  });
});

describe('the observability profile agrees with the apps and the dashboard with the metrics', () => {
  const yaml = (path: string) => parse(readFileSync(resolve(ROOT, path), 'utf8'));
  // Where each bind mount of a service comes from in the repository, by its path in the container.
  const mounts = (service: Service) =>
    Object.fromEntries(
      (service.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => [v.split(':')[1], resolve(ROOT, v.split(':')[0])]),
    );

  it('has Prometheus scrape /metrics of the api and the projector on the ports they listen on', () => {
    const config = yaml(mounts(services.prometheus)['/etc/prometheus/prometheus.yml']);
    const targets = config.scrape_configs.flatMap((job: any) => job.static_configs.flatMap((c: any) => c.targets));
    const api = loadConfig(environmentOf(services.api));
    const projector = loadConfig(environmentOf(services.projector));
    expect(targets.sort()).toEqual([`api:${api.port}`, `projector:${projector.projectorPort}`]);
    expect(config.scrape_configs.every((job: any) => job.metrics_path === '/metrics')).toBe(true);
  });

  it('provisions Grafana with the Prometheus data source and the Tally dashboard', () => {
    const grafana = mounts(services.grafana);
    const provisioning = grafana['/etc/grafana/provisioning'];
    const [source] = yaml(`${provisioning}/datasources/prometheus.yml`).datasources;
    expect(source.url).toBe(`http://prometheus:${published(services.prometheus)[0]}`);
    const [provider] = yaml(`${provisioning}/dashboards/tally.yml`).providers;
    expect(grafana[provider.options.path]).toBeDefined();
    const dashboard = JSON.parse(readFileSync(`${grafana[provider.options.path]}/tally.json`, 'utf8'));
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(source.uid);
  });

  it('charts only metrics that the api or the projector exports', () => {
    // The projection metrics both processes register, and the relay's, live in libs/runtime.
    const sources = [
      'apps/api/src/operations/metrics.ts',
      'apps/projector/src/projector.ts',
      'libs/runtime/src/projection-metrics.ts',
      'libs/runtime/src/relay/relay-metrics.ts',
    ]
      .map((path) => readFileSync(resolve(ROOT, path), 'utf8'))
      .join('\n');
    const exported = [...sources.matchAll(/name: '(tally_\w+)'/g)].map((m) => m[1]);
    const dashboard = JSON.parse(readFileSync(resolve(ROOT, 'infra/observability/grafana/dashboards/tally.json'), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => t.expr));
    const charted = new Set(exprs.flatMap((e) => e.match(/\b(tally|process|nodejs)_\w+/g) ?? []));
    for (const name of charted) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      expect([name, exported.includes(base) || /^(process|nodejs)_/.test(base)]).toEqual([name, true]);
    }
    const titles = dashboard.panels.map((p: any) => p.title.toLowerCase()).join(' | ');
    for (const topic of ['intake', 'reason', 'lag', 'latency']) expect(titles).toContain(topic);
  });
});

describe('the README documents every setting', () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  it.each([...ENVIRONMENT])('%s', (name) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\|`));
  });
});
