import type { SqlClient, SqlQueryable } from '@tally/eventstore';
import { isSqlProjection, tableOf, type ReadModelProjection } from './projection';

/** One row per projection: the last event position written into its table. */
export const CHECKPOINTS_TABLE = 'tally_checkpoints';

/** Creates the checkpoint table and each projection's table if missing. */
export async function ensureReadModelSchema(db: SqlClient, projections: readonly ReadModelProjection[]): Promise<void> {
  await db.transaction(async (tx) => {
    if (db.kind === 'postgres') await tx.query('select pg_advisory_xact_lock($1)', [7_342_002]);
    await tx.query(
      `create table if not exists ${CHECKPOINTS_TABLE} (name text primary key, position text, updated_at timestamptz not null default now())`,
    );
    for (const p of projections) await createTable(tx, p);
  });
}

async function createTable(tx: SqlQueryable, p: ReadModelProjection): Promise<void> {
  const table = tableOf(p);
  if (isSqlProjection(p)) {
    for (const statement of p.schema(table)) await tx.query(statement);
  } else {
    const keys = p.keys.map((k) => `${k} text not null`);
    const columns = (p.row?.columns ?? []).map((c) => `${c.name} ${c.type}${c.nullable ? '' : ' not null'}`);
    // With typed columns the document keeps what they do not, and may keep nothing.
    const doc = p.row ? 'doc jsonb' : 'doc jsonb not null';
    await tx.query(
      `create table if not exists ${table} (${[...keys, ...columns].join(', ')}, ${doc}, primary key (${p.keys.join(', ')}))`,
    );
    for (const index of p.indexes?.(table) ?? []) await tx.query(index);
  }
  await tx.query(`insert into ${CHECKPOINTS_TABLE} (name, position) values ($1, null) on conflict (name) do nothing`, [p.name]);
}

/** Drops a projection's table and checkpoint, so that it rebuilds from the start of the store. */
export async function dropProjection(db: SqlClient, p: ReadModelProjection): Promise<void> {
  await db.transaction(async (tx) => {
    const table = tableOf(p);
    for (const owned of isSqlProjection(p) ? p.tables(table) : [table]) await tx.query(`drop table if exists ${owned}`);
    await tx.query(`delete from ${CHECKPOINTS_TABLE} where name = $1`, [p.name]);
    await createTable(tx, p);
  });
}
