/** A CloudEvents extension attribute value: the spec's type system as JSON carries it. */
export type ExtensionValue = string | number | boolean;

/**
 * What a usage CloudEvent carries besides the usage itself: kept with its decision (stored in
 * the decision event, returned in the decision) so that a trace or a schema can be followed.
 */
export interface UsageAttributes {
  /** The media type of `data` as the producer sent it, parameters included. */
  datacontenttype?: string;
  /** URI of the schema `data` adheres to. */
  dataschema?: string;
  /** Extension attributes such as `traceparent`, by name. */
  extensions?: Record<string, ExtensionValue>;
}

/** One item of a multi-item usage: a meter and the units of it used. */
export interface UsageItem {
  meter: string;
  quantity: number;
}

/** How many items a multi-item usage carries: 2 to 20, each of a different meter. */
export const USAGE_ITEMS = { min: 2, max: 20 } as const;

/** A validated usage message in the shape the domain takes, with the attributes kept for its decision. */
export interface UsageMessage extends UsageAttributes {
  source: string;
  id: string;
  subject: string;
  /** The meter and quantity of a single usage; of a multi-item usage, those of its first item. */
  meter: string;
  quantity: number;
  /** A multi-item usage's items (2 to 20 distinct meters), decided all or nothing; absent for a single usage. */
  items?: UsageItem[];
  /** ISO 8601 event time, or null: the receive time is used. */
  time: string | null;
}

/** Copies kept attributes from one record to another (request → event → decision). */
export function keptAttributes(from: UsageAttributes): UsageAttributes {
  return {
    ...(from.datacontenttype !== undefined ? { datacontenttype: from.datacontenttype } : {}),
    ...(from.dataschema !== undefined ? { dataschema: from.dataschema } : {}),
    ...(from.extensions !== undefined && Object.keys(from.extensions).length ? { extensions: from.extensions } : {}),
  };
}

/**
 * A line as it is counted: its meter and quantity, the quota period it counts in when that is not
 * the calendar month, and (for a decision that took rate-limit tokens) its bucket's level after it.
 */
export interface CountedItem extends UsageItem {
  period?: string;
  bucketLevel?: string;
  /** For a member of an account tree: what the levels above it counted this line in (see {@link LevelCounted}). */
  levels?: LevelCounted[];
}

/**
 * What a usage decided for a member of a tree counted at one level above it (its ancestors and
 * the root): the period of that level's quota when it is not the calendar month, and the level
 * that level's rate-limit bucket was left at when the usage took tokens from it. A multi-item
 * usage records them per line (`items[j].levels`); a single one on the decision itself.
 */
export interface LevelCounted {
  account: string;
  period?: string;
  bucketLevel?: string;
}

/** `{ period }` when a record names a quota period, else nothing: a calendar-month record stays without one. */
export function periodOf({ period }: { period?: string }): { period?: string } {
  return period === undefined ? {} : { period };
}

/**
 * The lines a usage, a decision or a reversal counts: its `items` when it has them, else its one
 * meter (with the `period` and `bucketLevel` the record itself names). Every reader that counts
 * units goes through here, so a multi-item record is never counted by its headline meter alone,
 * and each line is counted in its own quota period.
 */
export function linesOf(record: CountedItem & { items?: readonly CountedItem[] }): readonly CountedItem[] {
  if (record.items) return record.items;
  const { meter, quantity, period, bucketLevel, levels } = record;
  // Assigned, not spread from object literals: the projector asks this of every usage several
  // times per batch (once per usage read model), and the fields come out in the same order.
  const line: CountedItem = { meter, quantity };
  if (period !== undefined) line.period = period;
  if (bucketLevel !== undefined) line.bucketLevel = bucketLevel;
  if (levels !== undefined) line.levels = levels;
  return [line];
}
