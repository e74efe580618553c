import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * One empty PGlite database, created once per run, that the suites' embedded Tallies start from
 * as a copy. Creating a database (initdb in WebAssembly) costs PGlite 0.6 tens of seconds of CPU on
 * a loaded two-core machine, once per suite otherwise; a copy of the same empty folder is what
 * every suite started from anyway. The first start's own creation stays covered where it is the
 * subject (test/first-run, test/embedded).
 */
export async function createPgliteTemplate(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'tally-pglite-template-')), 'pglite');
  const db = await PGlite.create(dir);
  // The same empty database as a dump, for the suites' in-memory databases (`emptyPgliteDump`).
  writeFileSync(dumpPath(dir), Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
  await db.close();
  return dir;
}

const dumpPath = (template: string) => join(template, '..', 'empty.tar');
let dump: Blob | undefined;

/**
 * The run's empty database as a dump to start an in-memory PGlite from (`PgliteClient.open`'s
 * `from`): loading it costs a fraction of creating a database. Undefined outside a jest run with
 * the global set-up, where a database is created as before.
 */
export function emptyPgliteDump(): Blob | undefined {
  const template = process.env.TALLY_TEST_PGLITE_TEMPLATE;
  if (!template) return undefined;
  dump ??= new Blob([readFileSync(dumpPath(template))]);
  return dump;
}

export function removePgliteTemplate(dir: string | undefined): void {
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
}
