import { gunzipSync, gzipSync } from 'node:zlib';
import { GZIP_IN_ONE_PASS } from './gzip-codec';

describe('GZIP_IN_ONE_PASS', () => {
  it('compresses a record batch into gzip that reads back byte for byte', async () => {
    // given the encoded records of a batch, with multi-byte text in them
    const records = Buffer.from(
      Array.from({ length: 400 }, (_, i) => `{"id":"u-${i}","subject":"sübject-${i % 7}","quantity":${i}}`).join(''),
    );

    // when kafkajs asks the codec to compress them
    const compressed = await GZIP_IN_ONE_PASS.compress({ buffer: records });

    // then the bytes are gzip (its magic number) and inflate to the records
    expect(compressed.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(compressed.length).toBeLessThan(records.length);
    expect(gunzipSync(compressed)).toEqual(records);
  });

  it('reads gzip written by another producer', async () => {
    // given a batch another client compressed
    const records = Buffer.from('{"id":"u-1"}'.repeat(100));

    // when the codec decompresses it
    const read = await GZIP_IN_ONE_PASS.decompress(gzipSync(records, { level: 9 }));

    // then it has the records
    expect(read).toEqual(records);
  });
});
