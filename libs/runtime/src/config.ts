import { BlockList, isIP } from 'node:net';
import { resolve } from 'node:path';
import { addCidr } from './webhooks/address-ranges';
import type { LogFormat } from './logger';

/** Which event store to use; chosen by EVENT_STORE, never by code edits. */
export type EventStoreKind = 'pglite' | 'postgres' | 'eventstoredb';

/** Everything Tally reads from the environment (docs/contract.md §1.3), parsed and checked once at start-up. */
export interface Config {
  port: number;
  /** The address the api and the projector listen on (127.0.0.1 unless HOST says otherwise). */
  host: string;
  /** PostgreSQL for read models, API keys and (with EVENT_STORE=postgres) events; null: embedded PGlite. */
  databaseUrl: string | null;
  dataDir: string;
  kafkaBrokers: string[] | null;
  eventStore: EventStoreKind;
  esdbConnectionString: string | null;
  adminToken: string | null;
  defaultCredits: number;
  /** Accounts whose folded state the api keeps in memory (least recently used dropped first). */
  accountCacheSize: number;
  logLevel: string;
  logFormat: LogFormat;
  kafka: { usagePartitions: number; groupId: string; clientId: string; topicPrefix: string; sessionTimeoutMs: number };
  projectorPort: number;
  /**
   * Limits that keep slow or numerous clients from holding the api's sockets: in all and per
   * client address; the proxies whose X-Forwarded-For names the client.
   */
  http: {
    maxConnections: number;
    maxConnectionsPerClient: number;
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    trustedProxies: string[];
  };
  /** Failed authentications one client address may make at once, and how many more per minute. */
  auth: { failureBurst: number; failuresPerMinute: number };
  /**
   * Webhook delivery: first retry delay (doubling after each failure), the time one attempt may
   * take, and where beyond public addresses deliveries may go (see AddressRule).
   */
  webhooks: { retryBaseMs: number; timeoutMs: number; allowLoopback: boolean; allowedNetworks: string[] };
  /**
   * PostgreSQL memory settings of embedded PGlite, as PostgreSQL spells them (`32MB`): its
   * WebAssembly memory grows to what they allow and is never given back (docs/operations.md).
   */
  pglite: PgliteSettings;
}

/** The PostgreSQL settings embedded PGlite starts with, by PostgreSQL name. */
export interface PgliteSettings {
  shared_buffers: string;
  work_mem: string;
  maintenance_work_mem: string;
}

/**
 * What embedded PGlite starts with unless PGLITE_* says otherwise: sized for one process's store,
 * so that `npm start` stays near or under 400 MiB (docs/benchmarks.md "Embedded PGlite's memory").
 */
export const PGLITE_DEFAULTS: PgliteSettings = { shared_buffers: '16MB', work_mem: '4MB', maintenance_work_mem: '16MB' };

/** The shortest METERING_ADMIN_TOKEN accepted (docs/contract.md §1.3). */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** Every environment variable Tally reads; the README and docker-compose.yml are checked against it. */
export const ENVIRONMENT = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'METERING_DATA_DIR',
  'KAFKA_BROKERS',
  'EVENT_STORE',
  'ESDB_CONNECTION_STRING',
  'METERING_ADMIN_TOKEN',
  'METERING_DEFAULT_CREDITS',
  'ACCOUNT_CACHE_SIZE',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'PROJECTOR_PORT',
  'KAFKA_USAGE_PARTITIONS',
  'KAFKA_GROUP_ID',
  'KAFKA_CLIENT_ID',
  'KAFKA_TOPIC_PREFIX',
  'KAFKA_SESSION_TIMEOUT_MS',
  'HTTP_MAX_CONNECTIONS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_MAX_CONNECTIONS_PER_CLIENT',
  'HTTP_TRUSTED_PROXIES',
  'AUTH_FAILURE_BURST',
  'AUTH_FAILURES_PER_MINUTE',
  'WEBHOOK_RETRY_BASE_MS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_ALLOW_LOOPBACK',
  'WEBHOOK_ALLOWED_NETWORKS',
  'PGLITE_SHARED_BUFFERS',
  'PGLITE_WORK_MEM',
  'PGLITE_MAINTENANCE_WORK_MEM',
] as const;

/** Thrown for a setting that cannot work, so the process stops before it serves anything. */
export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  }
  return Number(raw);
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

// Each entry is checked here, so a typo stops the process instead of refusing deliveries later.
function networksOf(raw: string | undefined): string[] {
  const networks = (raw ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  for (const network of networks) {
    if (!addCidr(new BlockList(), network)) {
      throw new ConfigError(`WEBHOOK_ALLOWED_NETWORKS must list networks such as 10.0.0.0/8, got "${network}"`);
    }
  }
  return networks;
}

function addressesOf(raw: string | undefined): string[] {
  const addresses = (raw ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  for (const address of addresses) {
    if (!isIP(address)) throw new ConfigError(`HTTP_TRUSTED_PROXIES must list IP addresses such as 10.0.0.5, got "${address}"`);
  }
  return addresses;
}

const KIB = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;

/**
 * A PostgreSQL memory size (`512kB`, `32MB`, `1GB`) within [min, max] KiB. Checked here, so that
 * a typo names its variable instead of failing inside PGlite's start; the bounds are PostgreSQL's
 * minimum and 1GB (PGlite's WebAssembly memory cannot exceed 2 GiB in all).
 */
function memorySize(env: NodeJS.ProcessEnv, name: string, fallback: string, minKib: number): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)(kB|MB|GB)$/.exec(raw);
  const kib = match ? Number(match[1]) * KIB[match[2] as keyof typeof KIB] : NaN;
  if (!(kib >= minKib && kib <= KIB.GB)) {
    throw new ConfigError(`${name} must be a size between ${minKib}kB and 1GB such as 32MB (units kB, MB, GB), got "${raw}"`);
  }
  return raw;
}

function logFormatOf(raw: string | undefined): LogFormat {
  const format = raw || 'auto';
  if (!['auto', 'json', 'pretty'].includes(format))
    throw new ConfigError(`LOG_FORMAT must be auto, json or pretty, got "${raw}"`);
  return format as LogFormat;
}

/** Reads the configuration; throws {@link ConfigError} naming the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || null;
  const esdbConnectionString = env.ESDB_CONNECTION_STRING || null;
  const requested = env.EVENT_STORE || (databaseUrl ? 'postgres' : 'pglite');
  if (!['pglite', 'postgres', 'eventstoredb'].includes(requested)) {
    throw new ConfigError(`EVENT_STORE must be postgres or eventstoredb, got "${requested}"`);
  }
  const eventStore = requested as EventStoreKind;
  if (eventStore === 'postgres' && !databaseUrl) throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL');
  if (eventStore === 'eventstoredb' && !esdbConnectionString) {
    throw new ConfigError('EVENT_STORE=eventstoredb needs ESDB_CONNECTION_STRING');
  }
  if (eventStore === 'pglite' && databaseUrl) throw new ConfigError('EVENT_STORE=pglite cannot be used with DATABASE_URL');
  const adminToken = env.METERING_ADMIN_TOKEN || null;
  // Named, never shown: the value is a secret even when it is too short to be a good one.
  if (adminToken !== null && adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(`METERING_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long`);
  }
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  return {
    port: integer(env, 'PORT', 3000, 0),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: resolve(env.METERING_DATA_DIR || './.data'),
    kafkaBrokers: brokers.length ? brokers : null,
    eventStore,
    esdbConnectionString,
    adminToken,
    defaultCredits: integer(env, 'METERING_DEFAULT_CREDITS', 0, 0),
    accountCacheSize: integer(env, 'ACCOUNT_CACHE_SIZE', 10_000, 1),
    logLevel: env.LOG_LEVEL || 'info',
    logFormat: logFormatOf(env.LOG_FORMAT),
    kafka: {
      usagePartitions: integer(env, 'KAFKA_USAGE_PARTITIONS', 6, 1),
      groupId: env.KAFKA_GROUP_ID || 'tally-api',
      clientId: env.KAFKA_CLIENT_ID || 'tally',
      // Lets several deployments (or test suites) share a cluster without sharing topics.
      topicPrefix: env.KAFKA_TOPIC_PREFIX || '',
      // How long a consumer that died silently keeps its partitions before the group moves them.
      sessionTimeoutMs: integer(env, 'KAFKA_SESSION_TIMEOUT_MS', 30_000, 6000),
    },
    projectorPort: integer(env, 'PROJECTOR_PORT', 3001, 0),
    http: {
      maxConnections: integer(env, 'HTTP_MAX_CONNECTIONS', 1000, 1),
      requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 1000),
      headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 1000),
      maxConnectionsPerClient: integer(env, 'HTTP_MAX_CONNECTIONS_PER_CLIENT', 500, 1),
      trustedProxies: addressesOf(env.HTTP_TRUSTED_PROXIES),
    },
    auth: {
      failureBurst: integer(env, 'AUTH_FAILURE_BURST', 30, 1),
      failuresPerMinute: integer(env, 'AUTH_FAILURES_PER_MINUTE', 10, 1),
    },
    webhooks: {
      retryBaseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 5000, 10),
      timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100),
      allowLoopback: flag(env, 'WEBHOOK_ALLOW_LOOPBACK'),
      allowedNetworks: networksOf(env.WEBHOOK_ALLOWED_NETWORKS),
    },
    pglite: {
      shared_buffers: memorySize(env, 'PGLITE_SHARED_BUFFERS', PGLITE_DEFAULTS.shared_buffers, 128),
      work_mem: memorySize(env, 'PGLITE_WORK_MEM', PGLITE_DEFAULTS.work_mem, 64),
      maintenance_work_mem: memorySize(env, 'PGLITE_MAINTENANCE_WORK_MEM', PGLITE_DEFAULTS.maintenance_work_mem, 1024),
    },
  };
}
