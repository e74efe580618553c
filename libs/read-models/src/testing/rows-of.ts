import type { TallyEvent } from '@tally/events';
import type { Projection } from '../projection';

/**
 * Given events, the rows a projection ends with, keyed by their key columns joined with "|":
 * what the runner writes, without a database. Event i gets the position "0:i+1" (as the stores write one).
 */
export function rowsOf<Doc, State>(p: Projection<Doc, State>, events: TallyEvent[]): Record<string, Doc> {
  const rows = new Map<string, State | null>();
  events.forEach((event, i) => {
    for (const key of p.keysOf(event)) {
      const id = key.join('|');
      rows.set(id, p.evolve(rows.get(id) ?? null, event, key, { position: `0:${i + 1}` }));
    }
  });
  const docs = [...rows].flatMap(([id, state]) =>
    state === null ? [] : [[id, p.state ? p.state.toDoc(state) : (state as unknown as Doc)] as const],
  );
  return Object.fromEntries(docs) as Record<string, Doc>;
}
