import type { TallyEvent } from '@tally/events';
import type { Projection } from '../projection';

/**
 * Given events, the rows a projection ends with, keyed by their key columns joined with "|":
 * what the runner writes, without a database. Event i gets the position "0/i+1".
 */
export function rowsOf<Doc>(p: Projection<Doc>, events: TallyEvent[]): Record<string, Doc> {
  const rows = new Map<string, Doc | null>();
  events.forEach((event, i) => {
    for (const key of p.keysOf(event)) {
      const id = key.join('|');
      rows.set(id, p.evolve(rows.get(id) ?? null, event, key, { position: `0/${i + 1}` }));
    }
  });
  return Object.fromEntries([...rows].filter(([, doc]) => doc !== null)) as Record<string, Doc>;
}
