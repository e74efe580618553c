/** The parts of an outgoing Kafka message that count towards a produce request's size. */
export interface SizedMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/**
 * Largest produce request Tally builds, before compression: a quarter of the broker's default
 * `message.max.bytes` (1 MiB), so that no record batch can reach it whatever the compression does.
 */
export const MAX_PRODUCE_BYTES = 256 * 1024;

// Per-record framing (lengths, offsets, timestamps, attributes) is well under this.
const RECORD_OVERHEAD = 64;

/** Bytes a message takes in a record batch, near enough to bound requests by. */
export function messageBytes(message: SizedMessage): number {
  let bytes = RECORD_OVERHEAD + byteLength(message.key) + byteLength(message.value);
  const headers = message.headers;
  for (const name in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
    const value = headers[name];
    bytes += Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((n, v) => n + byteLength(v), 0) : byteLength(value));
  }
  return bytes;
}

/**
 * Splits messages, in order, into chunks of at most `maxBytes` each; a message larger than that
 * on its own goes alone, so one request never carries an unbounded batch.
 */
export function chunkByBytes<M extends SizedMessage>(messages: M[], maxBytes = MAX_PRODUCE_BYTES): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = messageBytes(message);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
