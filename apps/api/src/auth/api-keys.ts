import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SqlClient } from '@tally/eventstore';

/** Roles of DESIGN §5: admin may do everything, producer the usage routes, finance the read routes. */
export const ROLES = ['admin', 'producer', 'finance'] as const;
export type Role = (typeof ROLES)[number];

/** An API key as the caller sees it; the token is only ever returned at creation. */
export interface ApiKey {
  id: string;
  name: string;
  role: Role;
}

const CACHE_TTL_MS = 10_000;
const CACHE_LIMIT = 10_000;

/** SHA-256 of a token: tokens are 256 random bits, so a fast hash is enough and nothing reversible is stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token: a recognisable prefix and 256 random bits. */
export function generateToken(): string {
  return `tly_${randomBytes(32).toString('base64url')}`;
}

/** API keys stored hashed in `tally_api_keys`, plus the bootstrap admin token from the environment. */
export class ApiKeys {
  private readonly cache = new Map<string, { key: ApiKey; at: number }>();
  private readonly bootstrapHash: Buffer | null;

  constructor(
    private readonly db: SqlClient,
    bootstrapAdminToken: string | null,
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
  }

  async create(name: string, role: Role): Promise<ApiKey & { token: string }> {
    const token = generateToken();
    const key: ApiKey = { id: randomUUID(), name, role };
    await this.db.query('insert into tally_api_keys (id, name, role, token_hash) values ($1, $2, $3, $4)', [
      key.id,
      name,
      role,
      hashToken(token),
    ]);
    return { ...key, token };
  }

  /** The key a bearer token belongs to, or null. */
  async authenticate(token: string): Promise<ApiKey | null> {
    const hash = hashToken(token);
    if (this.bootstrapHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.bootstrapHash)) {
      return { id: 'bootstrap', name: 'METERING_ADMIN_TOKEN', role: 'admin' };
    }
    const cached = this.cache.get(hash);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.key;
    const { rows } = await this.db.query<ApiKey>('select id, name, role from tally_api_keys where token_hash = $1', [hash]);
    const key = rows[0] ?? null;
    // Only real keys are cached: caching misses would let random tokens grow the cache.
    if (key) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(hash, { key, at: Date.now() });
    }
    return key;
  }
}
