import type { SqlClient } from '@tally/eventstore';

/** Registered endpoints, with their signing secrets (needed in full to sign, so kept as given). */
export const ENDPOINTS_TABLE = 'tally_webhook_endpoints';
/** One row per alert × endpoint: the outbox the deliverer works through. */
export const DELIVERIES_TABLE = 'tally_webhook_deliveries';
/** One row per attempt: the delivery log. */
export const ATTEMPTS_TABLE = 'tally_webhook_attempts';

// Serialises the tables' creation across processes starting together.
const SCHEMA_LOCK = 7_342_004;

/** Creates the webhook tables where they are missing (the read-model database: PostgreSQL or PGlite). */
export async function initWebhookTables(db: SqlClient): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await tx.query(
      `create table if not exists ${ENDPOINTS_TABLE} (id text primary key, url text not null, description text,
         secret text not null, created_at timestamptz not null, deleted_at timestamptz)`,
    );
    await tx.query(
      `create table if not exists ${DELIVERIES_TABLE} (endpoint_id text not null, alert_id text not null,
         payload text not null, state text not null default 'pending', attempts integer not null default 0,
         next_attempt_at timestamptz not null, give_up_at timestamptz not null, primary key (endpoint_id, alert_id))`,
    );
    await tx.query(
      `create index if not exists ${DELIVERIES_TABLE}_due on ${DELIVERIES_TABLE} (next_attempt_at) where state = 'pending'`,
    );
    await tx.query(
      `create table if not exists ${ATTEMPTS_TABLE} (id bigserial primary key, endpoint_id text not null,
         alert_id text not null, attempt integer not null, attempted_at timestamptz not null, status_code integer,
         error text, duration_ms integer not null, next_retry_at timestamptz)`,
    );
    await tx.query(`create index if not exists ${ATTEMPTS_TABLE}_endpoint on ${ATTEMPTS_TABLE} (endpoint_id, id)`);
  });
}

/** A timestamp column as ISO 8601, whichever driver read it. */
export function isoOf(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}
