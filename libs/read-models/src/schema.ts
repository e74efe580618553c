import type { SqlClient, SqlQueryable } from '@tally/eventstore';
import { tableOf, type Projection } from './projection';

/** One row per projection: the last event position written into its table. */
export const CHECKPOINTS_TABLE = 'tally_checkpoints';

/** Creates the checkpoint table and each projection's table if missing. */
export async function ensureReadModelSchema(db: SqlClient, projections: readonly Projection[]): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [7_342_002]);
    await tx.query(
      `create table if not exists ${CHECKPOINTS_TABLE} (name text primary key, position text, updated_at timestamptz not null default now())`,
    );
    for (const p of projections) await createTable(tx, p);
  });
}

async function createTable(tx: SqlQueryable, p: Projection): Promise<void> {
  const table = tableOf(p);
  const keys = p.keys.map((k) => `${k} text not null`).join(', ');
  await tx.query(`create table if not exists ${table} (${keys}, doc jsonb not null, primary key (${p.keys.join(', ')}))`);
  for (const index of p.indexes?.(table) ?? []) await tx.query(index);
  await tx.query(`insert into ${CHECKPOINTS_TABLE} (name, position) values ($1, null) on conflict (name) do nothing`, [p.name]);
}

/** Drops a projection's table and checkpoint, so that it rebuilds from the start of the store. */
export async function dropProjection(db: SqlClient, p: Projection): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`drop table if exists ${tableOf(p)}`);
    await tx.query(`delete from ${CHECKPOINTS_TABLE} where name = $1`, [p.name]);
    await createTable(tx, p);
  });
}
