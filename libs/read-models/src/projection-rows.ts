import type { TallyEvent } from '@tally/events';
import type { RecordedEvent, SqlQueryable } from '@tally/eventstore';
import { tableOf, type EventContext, type Projection } from './projection';
import { YIELD_EVERY, yieldLoop } from './yielding';

// A projection's rows are (key columns…, doc jsonb). Each batch reads the rows it touches in
// one query, evolves them in memory, and writes (or deletes) them in one query each.

type Row = { key: string[]; doc: unknown };

/** Applies events to one projection's table inside the runner's transaction. */
export async function applyToProjection(
  tx: SqlQueryable,
  p: Projection,
  events: Array<{ recorded: RecordedEvent; event: TallyEvent }>,
): Promise<void> {
  // Each distinct key once, by its id: what to load, and where each event's key is kept.
  const keyed = new Map<string, string[]>();
  const touched: Array<{ recorded: RecordedEvent; event: TallyEvent; ids: string[] }> = [];
  // The loops over the batch yield the event loop now and then: in `npm start` the api waits meanwhile.
  let n = 0;
  for (const { recorded, event } of events) {
    if (++n % YIELD_EVERY === 0) await yieldLoop();
    const keys = p.keysOf(event);
    if (keys.length === 0) continue;
    const ids = keys.map((key) => {
      const id = idOf(key);
      if (!keyed.has(id)) keyed.set(id, key);
      return id;
    });
    touched.push({ recorded, event, ids });
  }
  if (touched.length === 0) return;
  const rows = await loadRows(tx, p, keyed);
  // Each row's state is read from its document once, folded through the batch, written once.
  const states = new Map<string, unknown>();
  for (const [id, row] of rows) states.set(id, p.state ? p.state.fromDoc(row.doc) : row.doc);
  const dirty = new Set<string>();
  for (const { recorded, event, ids } of touched) {
    if (++n % YIELD_EVERY === 0) await yieldLoop();
    const context: EventContext = { position: recorded.position };
    for (const id of ids) {
      states.set(id, p.evolve(states.get(id) ?? null, event, keyed.get(id) as string[], context));
      dirty.add(id);
    }
  }
  // Rows the batch found (updated or deleted) and rows it creates, each in key order: the
  // statements then walk each index in order instead of visiting a leaf page per row at random
  // (rows arrive round robin over accounts), and a new row is inserted without the conflict
  // check of an upsert, since the batch's transaction has just read that its key has no row.
  const ids = [...dirty].sort(compareIds);
  const created: Row[] = [];
  const updated: Row[] = [];
  const deleted: string[][] = [];
  for (const id of ids) {
    const key = keyed.get(id) as string[];
    const state = states.get(id) ?? null;
    if (state === null) {
      if (rows.has(id)) deleted.push(key);
    } else (rows.has(id) ? updated : created).push({ key, doc: p.state ? p.state.toDoc(state) : state });
  }
  await writeRows(tx, p, created, false);
  await writeRows(tx, p, updated, true);
  await deleteRows(tx, p, deleted);
}

/** Orders ids as their keys sort in PostgreSQL's C collation: the NUL between parts sorts first. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// A key's identity in this batch: one string, its parts joined by NUL, which no part holds (they
// are PostgreSQL text, which cannot), so it is unambiguous; cheaper than JSON per event and table.
function idOf(key: string[]): string {
  return key.length === 1 ? key[0] : key.join('\u0000');
}

// Key columns as parallel text arrays, for unnest(): one round trip however many rows.
function columns(p: Projection, keys: string[][]): string[] {
  return p.keys.map((_, i) => arrayLiteral(keys.map((k) => k[i])));
}

const ESCAPED = /["\\]/;

/**
 * A PostgreSQL array literal of `values` (text, or numbers for a numeric array; null is NULL), the
 * text a `$n::text[]` (or `bigint[]`…) parameter is read from: what the driver would send for the
 * array, built with one join instead of two regular-expression replaces per element (a batch's
 * statements carry tens of thousands of keys).
 */
export function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  if (values.length === 0) return '{}';
  if (values.every((v) => typeof v === 'string')) {
    const joined = (values as string[]).join('","');
    if (!ESCAPED.test(joined)) return `{"${joined}"}`;
  }
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

async function loadRows(tx: SqlQueryable, p: Projection, keyed: Map<string, string[]>): Promise<Map<string, Row>> {
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const typed = p.row?.columns ?? [];
  const read = typed.map((c) => `${c.name}::text as ${c.name}, `).join('');
  const { rows } = await tx.query<Record<string, unknown>>(
    `select ${list}, ${read}doc from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`,
    columns(p, [...keyed.values()]),
  );
  return new Map(
    rows.map((r) => {
      const key = p.keys.map((k) => String(r[k]));
      const doc = p.row
        ? p.row.fromRow(
            typed.map((c) => r[c.name] as string),
            r.doc,
            key,
          )
        : r.doc;
      return [idOf(key), { key, doc }];
    }),
  );
}

// The rows as one jsonb parameter, `[[key…, doc], …]`: serialised by one JSON.stringify and
// parsed once by the database, each doc inserted as the jsonb value it already is (a text[] of
// JSON documents was escaped element by element by the driver and parsed twice by the server).
// Rows of keys the batch found are upserted; new ones inserted: were one there after all (a
// writer outside the projector), the statement fails and the batch is retried, reading it.
// With typed columns (`row`), each element is `[key…, column values…, stored doc]`.
async function writeRows(tx: SqlQueryable, p: Projection, rows: Row[], existing: boolean): Promise<void> {
  if (rows.length === 0) return;
  const list = p.keys.join(', ');
  const n = p.keys.length;
  const typed = p.row?.columns ?? [];
  const names = [...typed.map((c) => c.name), 'doc'];
  const fields = [
    ...p.keys.map((_, i) => `r->>${i}`),
    ...typed.map((c, i) => `(r->>${n + i})::${c.type}`),
    `r->${n + typed.length}`,
  ].join(', ');
  const row = p.row;
  const elements = row
    ? rows.map((r) => {
        const { values, stored } = row.toRow(r.doc, r.key);
        return [...r.key, ...values, stored];
      })
    : rows.map((r) => [...r.key, r.doc]);
  await tx.query(
    `insert into ${tableOf(p)} (${list}, ${names.join(', ')})
     select ${fields} from jsonb_array_elements($1::jsonb) as r
     ${existing ? `on conflict (${list}) do update set ${names.map((c) => `${c} = excluded.${c}`).join(', ')}` : ''}`,
    [JSON.stringify(elements)],
  );
}

async function deleteRows(tx: SqlQueryable, p: Projection, keys: string[][]): Promise<void> {
  if (keys.length === 0) return;
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await tx.query(`delete from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`, columns(p, keys));
}
