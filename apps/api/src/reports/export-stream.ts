import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import Negotiator from 'negotiator';
import type { FastifyReply } from 'fastify';
import { validationProblem } from '../http/problem';
import { spreadsheetSafe } from './csv-cell';

/**
 * Whether an export's `Accept` header asks for CSV rather than JSON, by the header's own
 * preferences (q-values, wildcards, any case): `text/csv;q=0, application/json` is JSON and
 * `TEXT/CSV` is CSV. JSON when nothing is asked for or neither form is acceptable.
 */
export function wantsCsv(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  return new Negotiator({ headers: { accept } }).mediaType(['application/json', 'text/csv']) === 'text/csv';
}

/** The pages of a query, the first of them already read. */
export async function* resumed<T>(first: T[], rest: AsyncIterable<T[]>): AsyncGenerator<T[]> {
  yield first;
  yield* rest;
}

/** A JSON array written as its rows come: one chunk per page. */
async function* jsonArray<T>(pages: AsyncIterable<T[]>): AsyncGenerator<string> {
  let separator = '';
  yield '[';
  for await (const page of pages) {
    let chunk = '';
    for (const row of page) {
      chunk += separator + JSON.stringify(row);
      separator = ',';
    }
    yield chunk;
  }
  yield ']';
}

/**
 * Joins small chunks into ones of about 64 KiB: csv-stringify gives one chunk per record, and a
 * write per record to the socket costs far more memory and time than the text it carries. The
 * first chunk (the header row) goes at once, so the answer starts without waiting for 64 KiB.
 */
async function* coalesced(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let pending = '';
  let started = false;
  for await (const chunk of chunks) {
    pending += chunk.toString();
    if (!started || pending.length >= 65_536) {
      yield pending;
      pending = '';
      started = true;
    }
  }
  if (pending) yield pending;
}

async function* rowsOf<T>(pages: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const page of pages) yield* page;
}

/** How an export is written: its rows, CSV or JSON, its CSV columns, and what its log lines call it. */
export interface ExportBody<T> {
  body: AsyncIterable<T[]>;
  csv: boolean;
  columns: string[];
  name: string;
}

/**
 * Streams an export's pages as they are read (status 200, type already set by the caller): the
 * reply is taken over from Fastify and its headers written on the Node response, which the pages
 * are piped to with backpressure. An error after the first byte cuts the connection before the
 * end of the body (pipeline destroys the response), so that no client takes a truncated export
 * for a whole one.
 */
export async function streamExport<T>(
  reply: FastifyReply,
  { body, csv, columns, name }: ExportBody<T>,
  logger: Logger,
): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  for (const [header, value] of Object.entries(reply.getHeaders())) if (value !== undefined) response.setHeader(header, value);
  response.statusCode = 200;
  const type = response.getHeader('content-type');
  if (typeof type === 'string' && !type.includes('charset')) response.setHeader('content-type', `${type}; charset=utf-8`);
  try {
    if (csv)
      await pipeline(
        Readable.from(rowsOf(body)),
        stringify({ header: true, columns, cast: { string: spreadsheetSafe } }),
        coalesced,
        response,
      );
    else await pipeline(Readable.from(jsonArray(body)), response);
  } catch (error) {
    if (response.writableFinished) return;
    const aborted = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
    if (aborted) logger.warn(`${name}: the client went away before its end`);
    else logger.error({ err: error }, `${name} failed after its first byte; connection aborted`);
  }
}

/**
 * A page of an export asked for with `limit`, its pages read with one row more than the limit:
 * the first `limit` rows, and the last of them when more follow (whose cursor the `Link` names).
 */
export async function limitedPage<T>(pages: AsyncIterable<T[]>, limit: number): Promise<{ rows: T[]; last: T | null }> {
  const rows: T[] = [];
  for await (const page of pages) rows.push(...page); // at most limit + 1 ≤ 1001 rows
  return { rows: rows.slice(0, limit), last: rows.length > limit ? rows[limit - 1] : null };
}

/** Pages that are one page already read. */
export function onePage<T>(rows: T[]): AsyncGenerator<T[]> {
  return resumed(rows, (async function* () {})());
}

/** The `Link` header of the next page of a route: its query with `after` and `limit`. */
export function nextLink(route: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  return `<${route}?${params}>; rel="next"`;
}

/**
 * The place an export's `after` cursor names, checked against the query it is sent with: a cursor
 * this route did not make (`place` null), or one made for another selection (`fits` false: another
 * account's lines, another month's rows), is a 400 naming `after`. Taken as it is, such a cursor
 * would skip or repeat lines without a word: it is compared with rows it was never among.
 */
export function cursorPlace<P>(place: P | null, fits: (place: P) => boolean): P {
  if (place === null) {
    throw validationProblem([{ field: 'after', reason: 'after must be a cursor taken from a Link header of this route' }]);
  }
  if (!fits(place)) {
    throw validationProblem([
      { field: 'after', reason: 'after must be a cursor of the same month and account, taken from a Link header of this route' },
    ]);
  }
  return place;
}
