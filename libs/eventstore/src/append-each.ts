import {
  EventRejectedError,
  type EventStore,
  WrongExpectedRevisionError,
  type AppendResult,
  type StreamAppend,
  type StreamAppendOutcome,
} from './event-store';

/**
 * Appends the parts of a multi-stream append one by one (concurrently), each in its own
 * transaction: what adapters without multi-stream transactions do, and what the SQL adapter
 * falls back to when one part spoils the shared statement. A conflict or a refusal stays in its
 * own outcome; any other failure rejects the whole call.
 */
export function appendEach(
  appendOne: (part: StreamAppend) => Promise<AppendResult>,
  appends: StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  return Promise.all(
    appends.map(async (part): Promise<StreamAppendOutcome> => {
      try {
        return { ok: true, result: await appendOne(part) };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError || error instanceof EventRejectedError) return { ok: false, error };
        throw error;
      }
    }),
  );
}

/**
 * Like {@link appendEach}, but the parts that share an `atomic` key go through `appendUnit` (the
 * store's {@link EventStore.appendAtomically}) together: a conflict or a refusal of the unit is
 * the outcome of each of its parts.
 */
export async function appendEachUnit(
  appendOne: (part: StreamAppend) => Promise<AppendResult>,
  appendUnit: (parts: StreamAppend[]) => Promise<AppendResult[]>,
  appends: StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  const units = new Map<string, number[]>();
  appends.forEach((part, i) => {
    if (part.atomic !== undefined) units.set(part.atomic, [...(units.get(part.atomic) ?? []), i]);
  });
  if (units.size === 0) return appendEach(appendOne, appends);
  const outcomes: StreamAppendOutcome[] = new Array(appends.length);
  const singles = appends.map((_, i) => i).filter((i) => appends[i].atomic === undefined);
  await Promise.all([
    appendEach(
      appendOne,
      singles.map((i) => appends[i]),
    ).then((done) => done.forEach((o, k) => (outcomes[singles[k]] = o))),
    ...[...units.values()].map(async (indexes) => {
      try {
        const results = await appendUnit(indexes.map((i) => appends[i]));
        indexes.forEach((i, k) => (outcomes[i] = { ok: true, result: results[k] }));
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof EventRejectedError)) throw error;
        indexes.forEach((i) => (outcomes[i] = { ok: false, error }));
      }
    }),
  ]);
  return outcomes;
}

/** {@link appendEachUnit} over a store's own `appendToStream` and `appendAtomically`. */
export function appendEachOf(
  store: Pick<EventStore, 'appendToStream' | 'appendAtomically'>,
  appends: StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  return appendEachUnit(
    (part) => store.appendToStream(part.stream, part.events, part.expected, part.claims),
    (parts) => store.appendAtomically(parts),
    appends,
  );
}
