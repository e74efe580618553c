import type { TallyEvent } from '@tally/events';
import type { RecordedEvent, SqlQueryable } from '@tally/eventstore';
import { tableOf, type EventContext, type Projection } from './projection';

// A projection's rows are (key columns…, doc jsonb). Each batch reads the rows it touches in
// one query, evolves them in memory, and writes (or deletes) them in one query each.

type Row = { key: string[]; doc: unknown };

/** Applies events to one projection's table inside the runner's transaction. */
export async function applyToProjection(
  tx: SqlQueryable,
  p: Projection,
  events: Array<{ recorded: RecordedEvent; event: TallyEvent }>,
): Promise<void> {
  const touched = events.map(({ recorded, event }) => ({ recorded, event, keys: p.keysOf(event) })).filter((t) => t.keys.length);
  if (touched.length === 0) return;
  const rows = await loadRows(tx, p, uniqueKeys(touched.flatMap((t) => t.keys)));
  const dirty = new Set<string>();
  for (const { recorded, event, keys } of touched) {
    const context: EventContext = { position: recorded.position };
    for (const key of keys) {
      const id = JSON.stringify(key);
      const doc = p.evolve(rows.get(id)?.doc ?? null, event, key, context);
      rows.set(id, { key, doc });
      dirty.add(id);
    }
  }
  const changed = [...dirty].map((id) => rows.get(id) as Row);
  await writeRows(
    tx,
    p,
    changed.filter((r) => r.doc !== null),
  );
  await deleteRows(
    tx,
    p,
    changed.filter((r) => r.doc === null).map((r) => r.key),
  );
}

function uniqueKeys(keys: string[][]): string[][] {
  return [...new Map(keys.map((k) => [JSON.stringify(k), k])).values()];
}

// Key columns as parallel text arrays, for unnest(): one round trip however many rows.
function columns(p: Projection, keys: string[][]): string[][] {
  return p.keys.map((_, i) => keys.map((k) => k[i]));
}

async function loadRows(tx: SqlQueryable, p: Projection, keys: string[][]): Promise<Map<string, Row>> {
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const { rows } = await tx.query<Record<string, unknown>>(
    `select ${list}, doc from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`,
    columns(p, keys),
  );
  return new Map(
    rows.map((r) => {
      const key = p.keys.map((k) => String(r[k]));
      return [JSON.stringify(key), { key, doc: r.doc }];
    }),
  );
}

async function writeRows(tx: SqlQueryable, p: Projection, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const list = p.keys.join(', ');
  const n = p.keys.length;
  const unnest = [...p.keys.map((_, i) => `$${i + 1}::text[]`), `$${n + 1}::text[]`].join(', ');
  await tx.query(
    `insert into ${tableOf(p)} (${list}, doc)
     select ${list}, d::jsonb from unnest(${unnest}) as u(${list}, d)
     on conflict (${list}) do update set doc = excluded.doc`,
    [
      ...columns(
        p,
        rows.map((r) => r.key),
      ),
      rows.map((r) => JSON.stringify(r.doc)),
    ],
  );
}

async function deleteRows(tx: SqlQueryable, p: Projection, keys: string[][]): Promise<void> {
  if (keys.length === 0) return;
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await tx.query(`delete from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`, columns(p, keys));
}
