import { resolveKafkajsModule } from './kafkajs-modules';
import { installRecordEncoder, recordEncoder, type RecordFields } from './record-encoder';

type Encoder = (fields: RecordFields) => { buffer: Buffer };

// kafkajs's own record encoder (the module's original export once this process installed ours).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = require('kafkajs/src/protocol/recordBatch/record/v0') as Encoder & { original?: Encoder };
const kafkajsRecord: Encoder = loaded.original ?? loaded;

describe('recordEncoder', () => {
  const encode = recordEncoder(kafkajsRecord as never);

  const shapes: Array<[string, RecordFields]> = [
    [
      'a decision with its CloudEvents headers',
      {
        offsetDelta: 3,
        timestampDelta: 0,
        key: 'acct-17',
        value: JSON.stringify({ id: 'u-1', subject: 'acct-17', decision: 'accepted', quantity: 1 }),
        headers: {
          ce_specversion: '1.0',
          ce_type: 'metering.decision.v1',
          ce_source: 'bench',
          ce_id: 'u-1',
          ce_subject: 'acct-17',
          ce_time: '2026-12-07T19:00:00.000Z',
          'content-type': 'application/json',
          ce_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      },
    ],
    ['multi-byte text, no headers', { key: 'sübject-ü', value: '{"note":"€ and 😀"}' }],
    [
      'Buffers for key, value and a header',
      { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(300, 7), headers: { h: Buffer.from('x') } },
    ],
    ['a null key and a null value', { key: null, value: null, offsetDelta: 0 }],
    ['an absent key', { value: 'v', offsetDelta: 200 }],
    ['a header with several values', { key: 'k', value: 'v', headers: { dup: ['a', Buffer.from('b'), ''] } }],
    [
      'large deltas and a value past one varint byte',
      { key: 'k', value: 'x'.repeat(20_000), offsetDelta: 70_000, timestampDelta: 1_234_567 },
    ],
    ['a negative timestamp delta', { key: 'k', value: 'v', timestampDelta: -5 }],
    [
      '150 headers',
      { key: 'k', value: 'v', headers: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`h${i}`, `${i}`])) },
    ],
  ];

  it.each(shapes)('encodes %s byte for byte as kafkajs does', (_, fields) => {
    // given a message as kafkajs's produce request hands it over
    // when this encoder and kafkajs's encode it
    const ours = encode(fields).buffer;
    const theirs = kafkajsRecord(fields).buffer;

    // then the bytes are the same
    expect(ours.equals(theirs)).toBe(true);
  });

  it("hands kafkajs's own encoder what it does not encode itself", () => {
    // given messages this encoder does not handle (a number key, a delta beyond 31 bits)
    const handed: RecordFields[] = [];
    const own = recordEncoder((fields) => {
      handed.push(fields);
      return { buf: Buffer.alloc(0), buffer: Buffer.alloc(0), offset: 0, size: () => 0 };
    });
    const numberKey = { key: 42, value: 'v' };
    const farDelta = { key: 'k', value: 'v', timestampDelta: 2 ** 40 };

    // when it is asked to encode them
    own(numberKey);
    own(farDelta);
    own({ key: 'k', value: 'v' });

    // then those two went to kafkajs's encoder, the plain one did not
    expect(handed).toEqual([numberKey, farDelta]);
  });

  it("is the encoder kafkajs's produce request uses once installed", async () => {
    // given the encoder installed (as kafka.adapter.ts does when it loads)
    expect(installRecordEncoder()).toBe(true);

    // when kafkajs's produce request encodes a message
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const request = require('kafkajs/src/protocol/requests/produce/v3/request') as (args: object) => {
      encode(): Promise<{ buffer: Buffer }>;
    };
    const bytes = (
      await request({
        acks: -1,
        timeout: 30000,
        topicData: [
          { topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages: [{ key: 'k', value: 'v', timestamp: 1 }] }] },
        ],
      }).encode()
    ).buffer;

    // then the record module it loaded is this one, and the request's bytes are kafkajs's own
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('kafkajs/src/protocol/recordBatch/record/v0') as { tallyEncoder?: boolean }).tallyEncoder).toBe(true);
    expect(bytes.includes(kafkajsRecord({ key: 'k', value: 'v', offsetDelta: 0, timestampDelta: 0 }).buffer)).toBe(true);
  });
});

describe('resolveKafkajsModule', () => {
  it('finds the kafkajs modules the replacements take the place of', () => {
    // given this kafkajs (2.2)
    // when its record module is looked up
    // then it is there
    expect(resolveKafkajsModule('kafkajs/src/protocol/recordBatch/record/v0')).toMatch(/record[\\/]v0/);
  });

  it('answers null, not a failure, for a module another kafkajs layout does not have', () => {
    // given a kafkajs whose files moved
    // when a module it no longer has is looked up
    // then the replacement stands aside instead of failing the process's start
    expect(resolveKafkajsModule('kafkajs/src/protocol/recordBatch/record/v9-moved')).toBeNull();
  });
});
