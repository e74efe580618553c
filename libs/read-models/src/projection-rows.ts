import type { TallyEvent } from '@tally/events';
import type { RecordedEvent, SqlQueryable } from '@tally/eventstore';
import { tableOf, type EventContext, type Projection } from './projection';
import { YIELD_EVERY, yieldLoop } from './yielding';

// A projection's rows are (key columns…, doc jsonb). Each batch reads the rows it touches in
// one query, evolves them in memory, and writes (or deletes) them in one query each.

type Row = { key: string[]; doc: unknown };

/**
 * Rows kept per projection between batches unless the runner is told otherwise: over 1,000
 * accounts, about 2,000 rows of each usage table and the 1,000 wallets, which every page
 * rewrites. Measured (`RowCache` of parsed documents): about 200 bytes a usage row (1 MiB for
 * 5,000), 1 KiB a wallet with 2 grants and 3 KiB with 8 (5–15 MiB), so the cached read models
 * hold about 5–20 MiB together, inside the projectors' 256 MiB heap (docs/operations.md).
 */
export const ROW_CACHE_ENTRIES = 5000;

/**
 * A projection's rows as this runner last wrote them (the document, by key id), least recently
 * used first, at most `capacity` of them: a batch reads from its table only the rows it does not
 * find here. A row is here only if it exists; the runner empties the cache whenever its rows may
 * differ from the table's (a checkpoint it did not write, a failed batch).
 */
export class RowCache {
  private readonly docs = new Map<string, unknown>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.docs.size;
  }

  /** The row's document if kept, as the most recently used. */
  get(id: string): unknown {
    const doc = this.docs.get(id);
    if (doc !== undefined) {
      this.docs.delete(id);
      this.docs.set(id, doc);
    }
    return doc;
  }

  set(id: string, doc: unknown): void {
    if (this.capacity <= 0) return;
    this.docs.delete(id);
    this.docs.set(id, doc);
    if (this.docs.size > this.capacity) this.docs.delete(this.docs.keys().next().value as string);
  }

  delete(id: string): void {
    this.docs.delete(id);
  }

  clear(): void {
    this.docs.clear();
  }
}

/**
 * Applies events to one projection's table inside the runner's transaction. With a `cache`, the
 * rows found there are not read again, and the batch's rows are kept there as written: the
 * caller empties it if the transaction does not commit.
 */
export async function applyToProjection(
  tx: SqlQueryable,
  p: Projection,
  events: Array<{ recorded: RecordedEvent; event: TallyEvent }>,
  cache?: RowCache,
): Promise<void> {
  // Each distinct key once, by its id: what to load, and where each event's key is kept.
  const keyed = new Map<string, string[]>();
  const touched: Array<{ position: string; event: TallyEvent; ids: string | string[] }> = [];
  // The loops over the batch yield the event loop now and then: in `npm start` the api waits meanwhile.
  // Indexed loops: a for-of in an async function that awaits allocates an iterator result per step.
  let n = 0;
  for (let i = 0; i < events.length; i++) {
    if (++n % YIELD_EVERY === 0) await yieldLoop();
    const { recorded, event } = events[i];
    const keys = p.keysOf(event);
    if (keys.length === 0) continue;
    // Nearly every event has one key: its id alone, not an array of one.
    if (keys.length === 1) {
      const id = idOf(keys[0]);
      if (!keyed.has(id)) keyed.set(id, keys[0]);
      touched.push({ position: recorded.position, event, ids: id });
      continue;
    }
    const ids: string[] = [];
    for (const key of keys) {
      const id = idOf(key);
      if (!keyed.has(id)) keyed.set(id, key);
      ids.push(id);
    }
    touched.push({ position: recorded.position, event, ids });
  }
  if (touched.length === 0) return;
  // The document of each row that exists: from the cache, else read from the table.
  const found = new Map<string, unknown>();
  let missing = keyed;
  if (cache && cache.size > 0) {
    missing = new Map();
    for (const [id, key] of keyed) {
      const doc = cache.get(id);
      if (doc === undefined) missing.set(id, key);
      else found.set(id, doc);
    }
  }
  if (missing.size > 0) await loadRows(tx, p, missing, found);
  // Each row's state is read from its document once, folded through the batch, written once.
  const states = new Map<string, unknown>();
  for (const [id, doc] of found) states.set(id, p.state ? p.state.fromDoc(doc) : doc);
  for (let i = 0; i < touched.length; i++) {
    if (++n % YIELD_EVERY === 0) await yieldLoop();
    const { position, event, ids } = touched[i];
    const context: EventContext = { position };
    if (typeof ids === 'string') states.set(ids, p.evolve(states.get(ids) ?? null, event, keyed.get(ids) as string[], context));
    else for (const id of ids) states.set(id, p.evolve(states.get(id) ?? null, event, keyed.get(id) as string[], context));
  }
  // Rows the batch found (updated or deleted) and rows it creates, each in key order: the
  // statements then walk each index in order instead of visiting a leaf page per row at random
  // (rows arrive round robin over accounts), and a new row is inserted without the conflict
  // check of an upsert, since the batch's transaction has just read (or this runner has just
  // written, `cache`) that its key has no row. Every key of the batch was touched by an event.
  const ids = [...keyed.keys()].sort(compareIds);
  const created: Row[] = [];
  const updated: Row[] = [];
  const deleted: string[][] = [];
  for (const id of ids) {
    const key = keyed.get(id) as string[];
    const state = states.get(id) ?? null;
    if (state === null) {
      if (found.has(id)) deleted.push(key);
      cache?.delete(id);
      continue;
    }
    const doc = p.state ? p.state.toDoc(state) : state;
    (found.has(id) ? updated : created).push({ key, doc });
    // Kept as written: the next batch reads it back through `fromDoc`, as from the table.
    cache?.set(id, doc);
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

/**
 * A PostgreSQL array literal of `values` (text, or numbers for a numeric array; null is NULL), the
 * text a `$n::text[]` (or `bigint[]`…) parameter is read from: what the driver would send for the
 * array, built by one native `JSON.stringify` instead of two regular-expression replaces per
 * element (a batch's statements carry hundreds of thousands of values). A JSON array of strings,
 * numbers and nulls with no backslash in it is, between its brackets, the array literal itself:
 * each string double-quoted as a literal quotes it, numbers as `String` prints them, `null` read
 * unquoted as NULL. A backslash means JSON escaped something (a quote, a backslash, a control
 * character, a lone surrogate), some of which a literal escapes otherwise: those values are
 * quoted one by one.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | null>): string {
  const json = JSON.stringify(values);
  if (!json.includes('\\')) return `{${json.slice(1, -1)}}`;
  return `{${values.map((v) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

async function loadRows(
  tx: SqlQueryable,
  p: Projection,
  keyed: Map<string, string[]>,
  found: Map<string, unknown>,
): Promise<void> {
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const typed = p.row?.columns ?? [];
  const read = typed.map((c) => `${c.name}::text as ${c.name}, `).join('');
  const { rows } = await tx.query<Record<string, unknown>>(
    `select ${list}, ${read}doc from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`,
    columns(p, [...keyed.values()]),
  );
  for (const r of rows) {
    const key = p.keys.map((k) => String(r[k]));
    const doc = p.row
      ? p.row.fromRow(
          typed.map((c) => r[c.name] as string | null),
          r.doc,
          key,
        )
      : r.doc;
    found.set(idOf(key), doc);
  }
}

// The rows as one jsonb parameter, `[[key…, doc], …]`: serialised by one JSON.stringify and
// parsed once by the database, each doc inserted as the jsonb value it already is (a text[] of
// JSON documents was escaped element by element by the driver and parsed twice by the server).
// Rows of keys the batch found are upserted; new ones inserted: were one there after all (a
// writer outside the projector), the statement fails and the batch is retried, reading it.
async function writeRows(tx: SqlQueryable, p: Projection, rows: Row[], existing: boolean): Promise<void> {
  if (rows.length === 0) return;
  if (p.row) return writeColumns(tx, p, p.row, rows, existing);
  const list = p.keys.join(', ');
  const fields = [...p.keys.map((_, i) => `r->>${i}`), `r->${p.keys.length}`].join(', ');
  await tx.query(
    `insert into ${tableOf(p)} (${list}, doc)
     select ${fields} from jsonb_array_elements($1::jsonb) as r
     ${existing ? `on conflict (${list}) do update set doc = excluded.doc` : ''}`,
    [JSON.stringify(rows.map((r) => [...r.key, r.doc]))],
  );
}

// With typed columns (`row`), one array parameter per column, unnested together: each value is
// read by its column type's own input function, and only the documents that keep something are
// parsed as jsonb (sent as text, null for none). Measured on the decision log, whose rows are
// nearly all columns: a jsonb row per decision, formed and parsed, was most of its insert.
async function writeColumns(
  tx: SqlQueryable,
  p: Projection,
  row: NonNullable<Projection['row']>,
  rows: Row[],
  existing: boolean,
): Promise<void> {
  const n = p.keys.length;
  const typed = row.columns;
  const arrays: Array<Array<string | number | null>> = [];
  for (let i = 0; i <= n + typed.length; i++) arrays.push([]);
  for (let j = 0; j < rows.length; j++) {
    const { key, doc } = rows[j];
    const { values, stored } = row.toRow(doc, key);
    for (let i = 0; i < n; i++) arrays[i].push(key[i]);
    for (let i = 0; i < typed.length; i++) arrays[n + i].push(values[i]);
    arrays[n + typed.length].push(stored === null || stored === undefined ? null : JSON.stringify(stored));
  }
  const names = [...p.keys, ...typed.map((c) => c.name), 'doc'];
  const types = [...p.keys.map(() => 'text'), ...typed.map((c) => c.type), 'text'];
  const list = p.keys.join(', ');
  const updated = names.slice(n);
  await tx.query(
    `insert into ${tableOf(p)} (${names.join(', ')})
     select ${names.map((c, i) => (i === names.length - 1 ? `r.${c}::jsonb` : `r.${c}`)).join(', ')}
       from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) as r(${names.join(', ')})
     ${existing ? `on conflict (${list}) do update set ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}` : ''}`,
    arrays.map(arrayLiteral),
  );
}

async function deleteRows(tx: SqlQueryable, p: Projection, keys: string[][]): Promise<void> {
  if (keys.length === 0) return;
  const list = p.keys.join(', ');
  const unnest = p.keys.map((_, i) => `$${i + 1}::text[]`).join(', ');
  await tx.query(`delete from ${tableOf(p)} where (${list}) in (select * from unnest(${unnest}))`, columns(p, keys));
}
