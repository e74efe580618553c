import { replaceKafkajsModule } from './kafkajs-modules';

/**
 * kafkajs's encoding of one record (record batch v2, `recordBatch/record/v0`) written straight
 * into one buffer of its exact size. kafkajs builds an `Encoder` per record and one more per
 * header, each a zero-filled 512-byte `Buffer`, and writes every varint through a `Buffer.from`
 * of a temporary array: a decision with its seven CloudEvents headers cost nine such buffers and
 * about twenty small ones, most of what the relays' produce spent (docs/benchmarks.md, "The
 * relay's records encoded once"). The bytes are the same (record-encoder.spec.ts compares them with
 * kafkajs's own for every shape); anything this does not handle exactly as kafkajs does (a number
 * key, a null header value, a delta beyond 2^31) goes to kafkajs's own encoder.
 */

/** What kafkajs's produce request hands the record encoder for each message. */
export interface RecordFields {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: unknown;
  value?: unknown;
  headers?: Record<string, unknown>;
}

/** What kafkajs reads of an encoded record: `buf` (checked to be a Buffer) and `buffer` (its bytes). */
export interface EncodedRecord {
  buf: Buffer;
  buffer: Buffer;
  offset: number;
  size(): number;
}

type RecordEncoder = (fields: RecordFields) => EncodedRecord;

const MAX_INT31 = 0x3fffffff;

/** Bytes of the unsigned LEB128 varint of `value` (0 ≤ value < 2^32). */
function uvarintSize(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = value >>> 7;
    bytes++;
  }
  return bytes;
}

function writeUVarInt(buf: Buffer, at: number, value: number): number {
  while (value >= 0x80) {
    buf[at++] = (value & 0x7f) | 0x80;
    value = value >>> 7;
  }
  buf[at++] = value;
  return at;
}

/** Zigzag of a signed integer of at most 31 bits, as kafkajs's `encodeZigZag` (and `encodeZigZag64` for the same range). */
function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function isSmallInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= -MAX_INT31 && value <= MAX_INT31;
}

function bytesOf(value: Buffer | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

function isBytes(value: unknown): value is Buffer | string {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** A nullable key or value: varint length (-1 for null) and its bytes. */
function writeBytes(buf: Buffer, at: number, value: Buffer | string | null, length: number): number {
  if (value === null) return writeUVarInt(buf, at, 1);
  at = writeUVarInt(buf, at, length * 2);
  if (typeof value === 'string') return at + buf.write(value, at, length, 'utf8');
  value.copy(buf, at);
  return at + length;
}

function encoded(buf: Buffer): EncodedRecord {
  return { buf, buffer: buf, offset: buf.length, size: () => buf.length };
}

/**
 * The record encoder: this module's for the shapes it encodes as kafkajs does, `fallback`
 * (kafkajs's own) for the rest.
 */
export function recordEncoder(fallback: RecordEncoder): RecordEncoder {
  const headerKeys: string[] = [];
  const headerValues: Array<Buffer | string> = [];
  const valueLengths: number[] = [];
  return (fields) => {
    const { offsetDelta = 0, timestampDelta = 0, key = null, value = null, headers = {} } = fields;
    if (!isSmallInt(offsetDelta) || !isSmallInt(timestampDelta)) return fallback(fields);
    if ((key !== null && key !== undefined && !isBytes(key)) || (value !== null && value !== undefined && !isBytes(value)))
      return fallback(fields);
    headerKeys.length = 0;
    headerValues.length = 0;
    valueLengths.length = 0;
    let headersSize = 0;
    for (const name in headers) {
      if (!Object.prototype.hasOwnProperty.call(headers, name)) continue;
      const raw = headers[name];
      const list = Array.isArray(raw) ? raw : [raw];
      for (const item of list) {
        if (!isBytes(item)) return fallback(fields);
        const keyLength = Buffer.byteLength(name);
        const valueLength = bytesOf(item);
        headersSize += uvarintSize(keyLength * 2) + keyLength + uvarintSize(valueLength * 2) + valueLength;
        headerKeys.push(name);
        headerValues.push(item);
        valueLengths.push(valueLength);
      }
    }
    headersSize += uvarintSize(headerKeys.length * 2);
    const k = key ?? null;
    const v = value ?? null;
    const keyLength = k === null ? 0 : bytesOf(k);
    const valueLength = v === null ? 0 : bytesOf(v);
    const body =
      1 +
      uvarintSize(zigzag(timestampDelta)) +
      uvarintSize(zigzag(offsetDelta)) +
      (k === null ? 1 : uvarintSize(keyLength * 2) + keyLength) +
      (v === null ? 1 : uvarintSize(valueLength * 2) + valueLength) +
      headersSize;
    const buf = Buffer.allocUnsafe(uvarintSize(body * 2) + body);
    let at = writeUVarInt(buf, 0, body * 2);
    buf[at++] = 0; // attributes
    at = writeUVarInt(buf, at, zigzag(timestampDelta));
    at = writeUVarInt(buf, at, zigzag(offsetDelta));
    at = writeBytes(buf, at, k, keyLength);
    at = writeBytes(buf, at, v, valueLength);
    at = writeUVarInt(buf, at, headerKeys.length * 2);
    for (let i = 0; i < headerKeys.length; i++) {
      const name = headerKeys[i];
      at = writeBytes(buf, at, name, Buffer.byteLength(name));
      at = writeBytes(buf, at, headerValues[i], valueLengths[i]);
    }
    headerValues.length = 0;
    return encoded(buf);
  };
}

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request';

/**
 * Makes kafkajs's produce requests (v3 and the versions built on it) encode records with
 * {@link recordEncoder}: the record module's exports are replaced before the produce request,
 * which kafkajs loads at its first produce, takes them. True if installed (or already); false
 * when a produce request was loaded first (kafkajs's own encoder then stays: same bytes).
 */
export function installRecordEncoder(): boolean {
  return replaceKafkajsModule<RecordEncoder>(RECORD_MODULE, PRODUCE_REQUEST_MODULE, 'tallyEncoder', recordEncoder);
}
