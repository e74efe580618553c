import type { Checkpoint } from './event-store';

/**
 * Both stores name a global position with two unsigned integers, the first more significant: SQL
 * (transaction id, position), EventStoreDB (commit, prepare). One codec writes them as
 * "first:second" and reads them back; what the two numbers mean stays with each store.
 */
export function encodeCheckpoint(first: bigint | string, second: bigint | string): Checkpoint {
  return `${first}:${second}`;
}

/** The two numbers of a checkpoint; `store` names whose it should be ("an EventStoreDB") in the error. */
export function decodeCheckpoint(checkpoint: Checkpoint, store: string): [bigint, bigint] {
  const match = /^(\d+):(\d+)$/.exec(checkpoint);
  if (!match) throw new Error(`not ${store} checkpoint: ${checkpoint}`);
  return [BigInt(match[1]), BigInt(match[2])];
}

/** Orders two checkpoints numerically, by the first number, then the second. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint, store: string): number {
  const [a1, a2] = decodeCheckpoint(a, store);
  const [b1, b2] = decodeCheckpoint(b, store);
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  return a2 === b2 ? 0 : a2 < b2 ? -1 : 1;
}
