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

/** A validated usage message in the shape the domain takes, with the attributes kept for its decision. */
export interface UsageMessage extends UsageAttributes {
  source: string;
  id: string;
  subject: string;
  meter: string;
  quantity: number;
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
