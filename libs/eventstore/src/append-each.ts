import {
  EventRejectedError,
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
