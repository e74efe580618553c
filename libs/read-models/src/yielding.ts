/**
 * Events handled between two yields of the event loop while a batch is projected. In `npm start`
 * the projector shares its process with the api: a page of thousands of events (a projector
 * catching up) folded in one go held every request for tens of milliseconds; a few hundred
 * events at a time cost a millisecond or two, and the yields cost nothing measurable.
 */
export const YIELD_EVERY = 256;

/** Lets waiting I/O (requests, other statements' answers) run before the caller goes on. */
export function yieldLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `items.map(fn)`, yielding the event loop every {@link YIELD_EVERY} items. */
export async function mapYielding<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldLoop();
    out[i] = fn(items[i]);
  }
  return out;
}
