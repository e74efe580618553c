import { promisify } from 'node:util';
import { gzipSync, unzip } from 'node:zlib';

/** What kafkajs hands a codec to compress: the encoded records of one partition's batch. */
interface EncodedRecords {
  buffer: Buffer;
}

// As kafkajs's own codec reads: gzip or zlib-wrapped deflate, off the event loop.
const unzipAsync = promisify(unzip);

/**
 * gzip for kafkajs's record batches, compressed in one synchronous call. kafkajs's own codec
 * (`promisify(zlib.gzip)`) builds a zlib stream per batch and sends it through the thread pool:
 * for the relay's batches (one per partition and request, tens of KiB) that costs about three
 * times the CPU of compressing them (docs/benchmarks.md "The projector's readers"), and the
 * projector relays every decision. A batch of at most 256 KiB (MAX_PRODUCE_BYTES) holds the event
 * loop for well under a millisecond. The bytes are gzip as before; reading is unchanged.
 */
export const GZIP_IN_ONE_PASS = {
  async compress(encoder: EncodedRecords): Promise<Buffer> {
    return gzipSync(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return unzipAsync(buffer);
  },
};
