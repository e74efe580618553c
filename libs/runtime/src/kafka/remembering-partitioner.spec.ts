import { rememberingPartitioner } from './kafka.adapter';

type Placement = Parameters<ReturnType<typeof rememberingPartitioner>>[0];

const metadata = (count: number): Placement['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
const keyed = (topic: string, count: number, key: string): Placement => ({
  topic,
  partitionMetadata: metadata(count),
  message: { key, value: 'v' },
});
// A fresh partitioner has remembered nothing: its answer is kafkajs's default partitioner's.
const byDefault = (placement: Placement) => rememberingPartitioner()(placement);

describe('rememberingPartitioner', () => {
  it('gives every keyed message the default partitioner’s partition, asked once or many times', () => {
    // given one partitioner placing many keys on topics of 6 and 3 partitions
    const remembering = rememberingPartitioner();
    const keys = Array.from({ length: 300 }, (_, i) => `acct-${i}`).concat(['é', '', 'acct-1']);
    const placements = keys.flatMap((key) => [keyed('decisions', 6, key), keyed('alerts', 3, key)]);

    // when it places each of them three times over
    const rounds = [1, 2, 3].map(() => placements.map((p) => remembering(p)));

    // then every answer is the default partitioner's, and the keys spread over every partition
    const expected = placements.map(byDefault);
    for (const round of rounds) expect(round).toEqual(expected);
    expect(new Set(expected.filter((_, i) => i % 2 === 0))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  });

  it('follows a topic that gained partitions', () => {
    // given a key placed while its topic had 3 partitions, which 12 partitions move
    const remembering = rememberingPartitioner();
    const key = Array.from({ length: 50 }, (_, i) => `s-${i}`).find(
      (k) => byDefault(keyed('t', 3, k)) !== byDefault(keyed('t', 12, k)),
    ) as string;
    remembering(keyed('t', 3, key));

    // when it is placed again after the topic grew to 12
    const placed = remembering(keyed('t', 12, key));

    // then it goes where the default partitioner puts it now
    expect(placed).toBe(byDefault(keyed('t', 12, key)));
    expect(placed).not.toBe(byDefault(keyed('t', 3, key)));
  });

  it('keeps an explicit partition and leaves unkeyed messages to the default', () => {
    // given the remembering partitioner
    const remembering = rememberingPartitioner();

    // when a message names its partition, and when one has no key
    const explicit = remembering({
      topic: 't',
      partitionMetadata: metadata(6),
      message: { key: 'k', value: null, partition: 4 },
    });
    const unkeyed = remembering({ topic: 't', partitionMetadata: metadata(6), message: { value: null } });

    // then the named partition is kept and the unkeyed one lands on some partition of the topic
    expect(explicit).toBe(4);
    expect(unkeyed).toBeGreaterThanOrEqual(0);
    expect(unkeyed).toBeLessThan(6);
  });
});
