/**
 * The JSON text of an event's data, made once: a decision's text is wanted twice on the deciding
 * path, by the account's recent window (folded into its record, libs/domain `evolve`) and by the
 * group commit's parameter (libs/eventstore `appendManyOnce`). Remembered by the data object's
 * identity, only as long as that object lives (a `WeakMap`: nothing is kept for it). Event data
 * are never changed once made, so the text stays theirs.
 */
const TEXTS = new WeakMap<object, string>();

/** `JSON.stringify(data)`, made once per data object and remembered for {@link knownJsonOf}. */
export function jsonOf(data: object): string {
  let text = TEXTS.get(data);
  if (text === undefined) {
    text = JSON.stringify(data);
    TEXTS.set(data, text);
  }
  return text;
}

/** The text {@link jsonOf} made for `data`, if it did; undefined otherwise (nothing is remembered here). */
export function knownJsonOf(data: object): string | undefined {
  return TEXTS.get(data);
}
