import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SqlClient } from '@tally/eventstore';

/** Roles of docs/contract.md §5.1: admin may do everything, producer the usage routes, finance the read routes. */
export const ROLES = ['admin', 'producer', 'finance'] as const;
export type Role = (typeof ROLES)[number];

/** An API key as it authenticates: `source`, when set, is the only source it may report under. */
export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  source: string | null;
}

/** An API key as GET /v1/api-keys lists it (never its token). */
export interface ApiKeyView extends ApiKey {
  createdAt: string;
  lastUsedAt: string | null;
}

/** The id decisions record for the bootstrap admin token, which has no row. */
export const BOOTSTRAP_KEY_ID = 'bootstrap';

const CACHE_TTL_MS = 10_000;
const CACHE_LIMIT = 10_000;
// lastUsedAt is written at most this often per key: a write per request would double the load.
const LAST_USED_RESOLUTION_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SHA-256 of a token: tokens are 256 random bits, so a fast hash is enough and nothing reversible is stored. */
export function hashToken(token: string): string {
  // One-shot: no Hash object per request (its hex output is the fast one; as a Buffer it is slower).
  return hash('sha256', token, 'hex');
}

/** A new token: a recognisable prefix and 256 random bits. */
export function generateToken(): string {
  return `tly_${randomBytes(32).toString('base64url')}`;
}

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  source: string | null;
  created_at: Date | string;
  last_used_at: Date | string | null;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/**
 * API keys stored hashed in `tally_api_keys`, plus the bootstrap admin token from the environment.
 * Revoked keys keep their row (decisions name them) but never authenticate again.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { key: ApiKey; at: number }>();
  private readonly lastUsedWritten = new Map<string, number>();
  // Keys used and not yet written, and the write under way.
  private readonly used = new Set<string>();
  private written: Promise<void> | null = null;
  private readonly bootstrapHash: Buffer | null;

  constructor(
    private readonly db: SqlClient,
    bootstrapAdminToken: string | null,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.bootstrapHash = bootstrapAdminToken ? Buffer.from(hashToken(bootstrapAdminToken), 'hex') : null;
  }

  async init(): Promise<void> {
    await this.db.query(`create table if not exists tally_api_keys (
      id uuid primary key,
      name text not null,
      role text not null,
      token_hash text not null unique,
      created_at timestamptz not null default now()
    )`);
    // Columns added after the first release: older databases gain them in place.
    await this.db.query(`alter table tally_api_keys
      add column if not exists source text,
      add column if not exists revoked_at timestamptz,
      add column if not exists last_used_at timestamptz`);
  }

  async create(name: string, role: Role, source: string | null): Promise<ApiKey & { token: string }> {
    const token = generateToken();
    const key: ApiKey = { id: randomUUID(), name, role, source };
    await this.db.query('insert into tally_api_keys (id, name, role, source, token_hash) values ($1, $2, $3, $4, $5)', [
      key.id,
      name,
      role,
      source,
      hashToken(token),
    ]);
    return { ...key, token };
  }

  /** Keys that are not revoked, oldest first. */
  async list(): Promise<ApiKeyView[]> {
    await this.written; // the uses this instance saw, written first
    const { rows } = await this.db.query<KeyRow>(
      'select id, name, role, source, created_at, last_used_at from tally_api_keys where revoked_at is null order by created_at, id',
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      source: r.source,
      createdAt: iso(r.created_at) as string,
      lastUsedAt: iso(r.last_used_at),
    }));
  }

  /** Revokes a key; false if no such key is active. This instance refuses it at once. */
  async revoke(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const { rows } = await this.db.query<{ id: string }>(
      'update tally_api_keys set revoked_at = now() where id = $1 and revoked_at is null returning id',
      [id],
    );
    for (const [tokenHash, entry] of this.cache) if (entry.key.id === id) this.cache.delete(tokenHash);
    return rows.length > 0;
  }

  /** The key a bearer token belongs to, or null. */
  async authenticate(token: string): Promise<ApiKey | null> {
    const tokenHash = hashToken(token);
    if (this.bootstrapHash && timingSafeEqual(Buffer.from(tokenHash, 'hex'), this.bootstrapHash)) {
      return { id: BOOTSTRAP_KEY_ID, name: 'METERING_ADMIN_TOKEN', role: 'admin', source: null };
    }
    const cached = this.cache.get(tokenHash);
    let key = cached && performance.now() - cached.at < CACHE_TTL_MS ? cached.key : null;
    if (!key) {
      const { rows } = await this.db.query<ApiKey>(
        'select id, name, role, source from tally_api_keys where token_hash = $1 and revoked_at is null',
        [tokenHash],
      );
      key = rows[0] ?? null;
      // Only real keys are cached: caching misses would let random tokens grow the cache.
      if (key) {
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(tokenHash, { key, at: performance.now() });
      }
    }
    if (key) this.touch(key.id);
    return key;
  }

  /**
   * Notes that a key was used; written off the request (the request never waits for it), the
   * keys used since the last write in one statement. Bookkeeping only: a failed write must not
   * fail the request it describes.
   */
  private touch(id: string): void {
    const last = this.lastUsedWritten.get(id);
    if (last !== undefined && performance.now() - last < LAST_USED_RESOLUTION_MS) return;
    this.lastUsedWritten.set(id, performance.now());
    if (this.lastUsedWritten.size > CACHE_LIMIT) this.lastUsedWritten.clear();
    this.used.add(id);
    this.written ??= this.writeLastUsed();
  }

  private async writeLastUsed(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.used.size) {
      const ids = [...this.used];
      this.used.clear();
      await this.db.query('update tally_api_keys set last_used_at = now() where id = any($1::uuid[])', [ids]).catch(this.onError);
    }
    this.written = null;
  }
}
