import { mkdtempSync, rmSync } from 'node:fs';
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
  await db.close();
  return dir;
}

export function removePgliteTemplate(dir: string | undefined): void {
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
}
