import { randomBytes, randomUUID } from 'node:crypto';
import type { SqlClient } from '@tally/eventstore';
import { ENDPOINTS_TABLE, initWebhookTables, isoOf } from './webhook-schema';

/** The form of an endpoint id; anything else (a NUL, stray bytes) is no endpoint, never a database error. */
const ENDPOINT_ID = /^wh_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An endpoint as listed: never its secret. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  createdAt: string;
}

/** A new endpoint, with the secret shown this once. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  secret: string;
}

/**
 * The registered webhook endpoints. The secret is kept as it was issued (`whsec_` + 32 random
 * bytes, base64): signing needs it whole, so it cannot be hashed like an API key; it is written
 * to no log and returned only by {@link create}.
 */
export class WebhookEndpoints {
  constructor(private readonly db: SqlClient) {}

  init(): Promise<void> {
    return initWebhookTables(this.db);
  }

  async create(url: string, description: string | null, now: string): Promise<CreatedWebhookEndpoint> {
    const endpoint = { id: `wh_${randomUUID()}`, url, description, createdAt: now };
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    await this.db.query(`insert into ${ENDPOINTS_TABLE} (id, url, description, secret, created_at) values ($1, $2, $3, $4, $5)`, [
      endpoint.id,
      url,
      description,
      secret,
      now,
    ]);
    return { ...endpoint, secret };
  }

  /** Active endpoints, oldest first. */
  async list(): Promise<WebhookEndpoint[]> {
    const { rows } = await this.db.query<{ id: string; url: string; description: string | null; created_at: Date | string }>(
      `select id, url, description, created_at from ${ENDPOINTS_TABLE} where deleted_at is null order by created_at, id`,
    );
    return rows.map((r) => ({ id: r.id, url: r.url, description: r.description, createdAt: isoOf(r.created_at) as string }));
  }

  /** Whether `id` is an active endpoint. */
  async exists(id: string): Promise<boolean> {
    if (!ENDPOINT_ID.test(id)) return false;
    const { rows } = await this.db.query(`select 1 from ${ENDPOINTS_TABLE} where id = $1 and deleted_at is null`, [id]);
    return rows.length > 0;
  }

  /** Removes an endpoint (its pending deliveries stop); false if `id` is not an active endpoint. */
  async remove(id: string, now: string): Promise<boolean> {
    if (!ENDPOINT_ID.test(id)) return false;
    const { rows } = await this.db.query(
      `update ${ENDPOINTS_TABLE} set deleted_at = $2 where id = $1 and deleted_at is null returning id`,
      [id, now],
    );
    return rows.length > 0;
  }
}
