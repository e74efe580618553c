import type { IncomingMessage } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Problem } from './problem';

/** Bodies larger than this get 413 (docs/contract.md §5.4); a compressed body is measured inflated. */
export const BODY_LIMIT = 1024 * 1024;

const DECODERS: Readonly<Record<string, () => Transform>> = {
  gzip: createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

const tooLarge = () => new Problem(413, 'PAYLOAD_TOO_LARGE', 'Payload too large', 'the body is larger than 1 MiB');
const unreadable = () => new Problem(400, 'BAD_BODY', 'Unreadable body', 'the body could not be read completely');
const badEncoding = (encoding: string) =>
  new Problem(400, 'BAD_ENCODING', 'Body not in its encoding', `the body is not valid ${encoding} data`);

/**
 * Reads a request's body into one buffer, inflating gzip, deflate and br (415 for another
 * encoding), never past `limit` bytes: a declared length above it is refused before a byte is
 * read, a body that grows past it is refused as soon as it does. Every failure is a Problem:
 * 413, 415, or 400 for a body cut short, longer or shorter than declared, or not in its encoding.
 */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decoder = encoding === 'identity' ? null : DECODERS[encoding];
  if (decoder === undefined) {
    return Promise.reject(
      new Problem(415, 'UNSUPPORTED_ENCODING', 'Unsupported content encoding', 'use gzip, deflate, br or none'),
    );
  }
  const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
  if (!decoder && declared !== null && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const inflate = decoder ? decoder() : null;
    const source: Readable = inflate ? req.pipe(inflate) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: Problem | null) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      if (error) {
        if (inflate) {
          req.unpipe(inflate);
          inflate.destroy();
        }
        req.pause();
        reject(error);
      } else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge());
      else chunks.push(chunk);
    };
    source.on('data', onData);
    source.once('end', () => finish(!decoder && declared !== null && size !== declared ? unreadable() : null));
    source.once('error', () => finish(decoder ? badEncoding(encoding) : unreadable()));
    if (decoder) req.once('error', () => finish(unreadable()));
    req.once('close', () => {
      if (!req.complete) finish(unreadable());
    });
  });
}
