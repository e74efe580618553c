import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteOptions } from '@tally/eventstore';
import { pgDump } from '@electric-sql/pglite-tools/pg_dump';
import { PGlite as PGlite03 } from 'pglite-0.3';
import type { Logger } from '../logger';

/** The PostgreSQL major of the embedded database (PGlite 0.6): what its folders hold in PG_VERSION. */
export const EMBEDDED_PG_MAJOR = 19;
/** Folders made by PGlite 0.3 (PostgreSQL 17), the embedded database of earlier Tally versions. */
export const PGLITE_03_PG_MAJOR = 17;

/** An embedded data folder this Tally cannot open as it is; the message says what to do. */
export class EmbeddedDataError extends Error {}

/** The PostgreSQL major a data folder was made by, or null where there is none yet. */
export function pgMajorOf(dir: string): number | null {
  const file = join(dir, 'PG_VERSION');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null;
}

/**
 * Makes the embedded data folder `dir` one PGlite 0.6 opens. A folder of PGlite 0.3 (PostgreSQL 17)
 * is dumped with that PGlite and pg_dump 17, restored into a new folder beside it, and swapped in;
 * the old folder is kept, renamed. Until the swap the old folder is untouched (a failed or
 * interrupted upgrade leaves it as it was, and the next start tries again). A folder of any other
 * PostgreSQL is refused with the steps to take.
 */
export async function upgradeEmbeddedData(dir: string, logger: Logger, settings: Record<string, string> = {}): Promise<void> {
  const major = pgMajorOf(dir);
  if (major === null || major === EMBEDDED_PG_MAJOR) return;
  if (major !== PGLITE_03_PG_MAJOR) throw new EmbeddedDataError(unreadable(dir, major));

  const staging = `${dir}.upgrading`;
  const kept = `${dir}.pg${major}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const started = Date.now();
  logger.info(
    { dataDir: dir, from: `PostgreSQL ${major}`, to: `PostgreSQL ${EMBEDDED_PG_MAJOR}` },
    `upgrading the embedded database in ${dir} from PostgreSQL ${major} (PGlite 0.3) to PostgreSQL ${EMBEDDED_PG_MAJOR} (PGlite 0.6)…`,
  );
  rmSync(staging, { recursive: true, force: true });
  try {
    await restore(staging, await dump(dir), settings);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new EmbeddedDataError(
      `could not upgrade the embedded database in ${dir} from PostgreSQL ${major} (PGlite 0.3): ${(error as Error).message}. ` +
        `The folder is unchanged. Start again to retry; to start empty instead, move ${dir} away.`,
    );
  }
  renameSync(dir, kept);
  renameSync(staging, dir);
  logger.info(
    { dataDir: dir, kept, ms: Date.now() - started },
    `upgraded the embedded database in ${dir} to PostgreSQL ${EMBEDDED_PG_MAJOR}; the PostgreSQL ${major} folder is kept as ${kept} (delete it when no longer wanted)`,
  );
}

// pglite-tools 0.2.21 is pg_dump 17 built for PGlite 0.3.16, its peer. package.json's override lets
// it install beside Tally's PGlite 0.6, which its declarations then name; what it is given here is
// the PGlite 0.3 it was built for, so its signature is restated with that type.
const pgDump17 = pgDump as unknown as (options: { pg: PGlite03 }) => Promise<File>;

/** The whole database as SQL (INSERTs, so that PGlite's exec restores it), from PGlite 0.3. */
async function dump(dir: string): Promise<string> {
  const old = await PGlite03.create(dir);
  try {
    return await (await pgDump17({ pg: old })).text();
  } finally {
    await old.close();
  }
}

// With the settings the folder will be opened with: the restore's memory is bounded as the run's.
async function restore(dir: string, sql: string, settings: Record<string, string>): Promise<void> {
  const fresh = await PGlite.create(dir, pgliteOptions(settings));
  try {
    await fresh.exec(sql);
  } finally {
    await fresh.close();
  }
}

function unreadable(dir: string, major: number): string {
  const what = Number.isFinite(major) ? `PostgreSQL ${major}` : 'an unknown PostgreSQL (PG_VERSION unreadable)';
  return (
    `the embedded database in ${dir} was made by ${what}; this Tally runs PGlite 0.6 (PostgreSQL ${EMBEDDED_PG_MAJOR}) ` +
    `and upgrades only PGlite 0.3 (PostgreSQL ${PGLITE_03_PG_MAJOR}) folders. Run the Tally version that made it ` +
    `(or point METERING_DATA_DIR elsewhere), or move ${dir} away to start with an empty database.`
  );
}
