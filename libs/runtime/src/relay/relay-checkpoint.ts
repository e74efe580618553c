import type { Checkpoint, SqlClient } from '@tally/eventstore';

/** One row per relay: the store position up to which everything is acknowledged by the broker. */
export const RELAY_CHECKPOINTS_TABLE = 'tally_relay_checkpoints';

// Serialises the table's creation across processes starting together.
const SCHEMA_LOCK = 7_342_003;

/** Where a relay stands: the last relayed position and when that event was stored. */
export interface RelayPosition {
  position: Checkpoint | null;
  storedAt: string | null;
}

/** A relay's checkpoint row, in the read-model database (PostgreSQL or PGlite). */
export class RelayCheckpoint {
  constructor(
    private readonly db: SqlClient,
    private readonly name: string,
  ) {}

  async init(): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (this.db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
      await tx.query(
        `create table if not exists ${RELAY_CHECKPOINTS_TABLE}
           (name text primary key, position text, stored_at timestamptz, updated_at timestamptz not null default now())`,
      );
      await tx.query(`insert into ${RELAY_CHECKPOINTS_TABLE} (name) values ($1) on conflict (name) do nothing`, [this.name]);
    });
  }

  async read(): Promise<RelayPosition> {
    const { rows } = await this.db.query<{ position: string | null; stored_at: Date | string | null }>(
      `select position, stored_at from ${RELAY_CHECKPOINTS_TABLE} where name = $1`,
      [this.name],
    );
    const row = rows[0];
    return { position: row?.position ?? null, storedAt: row?.stored_at ? new Date(row.stored_at).toISOString() : null };
  }

  async write(position: RelayPosition): Promise<void> {
    await this.db.query(
      `update ${RELAY_CHECKPOINTS_TABLE} set position = $2, stored_at = $3, updated_at = now() where name = $1`,
      [this.name, position.position, position.storedAt],
    );
  }
}
