import { classify, type Failure } from './failures';

/** A message whose decision failed for a reason retrying cannot cure. */
export interface Undecidable<T> {
  item: T;
  failure: Extract<Failure, { retry: false }>;
}

/**
 * Decides `items` so that a message the store refuses cannot fail the others: the whole slice
 * first, then, if it is refused, each subject's messages, then each message of a refused
 * subject alone. Decisions are idempotent, so deciding a message again returns its decision.
 * Once isolating, one step runs at a time: messages of one account decided concurrently would
 * be batched into one append again. A failure that can pass by retrying is thrown for the
 * caller to retry the slice; what is returned are the messages to dead-letter.
 */
export async function decideIsolating<T>(
  items: T[],
  subjectOf: (item: T) => string,
  decide: (items: T[]) => Promise<void>,
): Promise<Undecidable<T>[]> {
  if (items.length === 0) return [];
  const first = await attempt(items, decide);
  if (first === null) return [];
  if (items.length === 1) return [{ item: items[0], failure: first }];
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(subjectOf(item), [...(groups.get(subjectOf(item)) ?? []), item]);
  const refused: Undecidable<T>[] = [];
  for (const group of groups.values()) {
    const failure = await attempt(group, decide);
    if (failure === null) continue;
    if (group.length === 1) {
      refused.push({ item: group[0], failure });
      continue;
    }
    for (const item of group) {
      const own = await attempt([item], decide);
      if (own !== null) refused.push({ item, failure: own });
    }
  }
  return refused;
}

/** null if decided; the failure if it cannot pass by retrying; throws one that can. */
async function attempt<T>(items: T[], decide: (items: T[]) => Promise<void>): Promise<Undecidable<T>['failure'] | null> {
  try {
    await decide(items);
    return null;
  } catch (error) {
    const failure = classify(error);
    if (failure.retry) throw error;
    return failure;
  }
}
