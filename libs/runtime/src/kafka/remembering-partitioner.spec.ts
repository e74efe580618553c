import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { rememberingPartitioner } from './kafka.adapter';

const metadata = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));

describe('rememberingPartitioner', () => {
  it('gives every keyed message the default partitioner’s partition, asked once or many times', () => {
    // given the default partitioner and the remembering one
    const byDefault = Partitioners.DefaultPartitioner();
    const remembering = rememberingPartitioner();
    const keys = Array.from({ length: 300 }, (_, i) => `acct-${i}`).concat(['é', '', 'acct-1']);

    // when both place each key on topics of 3 and 6 partitions, three times over
    for (let round = 0; round < 3; round++) {
      for (const [topic, count] of [
        ['decisions', 6],
        ['alerts', 3],
      ] as const) {
        for (const key of keys) {
          const args = { topic, partitionMetadata: metadata(count), message: { key, value: 'v' } };

          // then they agree every time
          expect(remembering(args)).toBe(byDefault(args));
        }
      }
    }
  });

  it('follows a topic that gained partitions', () => {
    // given a key placed while its topic had 3 partitions
    const byDefault = Partitioners.DefaultPartitioner();
    const remembering = rememberingPartitioner();
    const key = Array.from({ length: 50 }, (_, i) => `s-${i}`).find(
      (k) =>
        byDefault({ topic: 't', partitionMetadata: metadata(3), message: { key: k, value: null } }) !==
        byDefault({ topic: 't', partitionMetadata: metadata(12), message: { key: k, value: null } }),
    ) as string;
    remembering({ topic: 't', partitionMetadata: metadata(3), message: { key, value: null } });

    // when it is placed again after the topic grew to 12
    const placed = remembering({ topic: 't', partitionMetadata: metadata(12), message: { key, value: null } });

    // then it goes where the default partitioner puts it now
    expect(placed).toBe(byDefault({ topic: 't', partitionMetadata: metadata(12), message: { key, value: null } }));
  });

  it('keeps an explicit partition and leaves unkeyed messages to the default', () => {
    // given the remembering partitioner
    const remembering = rememberingPartitioner();

    // when a message names its partition, and when one has no key
    const explicit = remembering({ topic: 't', partitionMetadata: metadata(6), message: { key: 'k', value: null, partition: 4 } });
    const unkeyed = remembering({ topic: 't', partitionMetadata: metadata(6), message: { value: null } });

    // then the named partition is kept and the unkeyed one lands on some partition of the topic
    expect(explicit).toBe(4);
    expect(unkeyed).toBeGreaterThanOrEqual(0);
    expect(unkeyed).toBeLessThan(6);
  });
});
