import { groupMessagesPerPartition, installPartitionGrouping } from './partition-grouping';

type Grouping = typeof groupMessagesPerPartition;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded = require('kafkajs/src/producer/groupMessagesPerPartition') as Grouping & { original?: Grouping };
// kafkajs's own grouping (the module's original export once this process installed this one).
const kafkajsGrouping: Grouping = loaded.original ?? loaded;

describe('groupMessagesPerPartition', () => {
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId }));
  const partitioner = ({ message }: { message: { key: string } }) => Number(message.key.slice(1)) % 6;

  it("groups a send's messages by partition as kafkajs does, each partition's in the order sent", () => {
    // given 1,000 keyed messages over six partitions (none on partition 5)
    const messages = Array.from({ length: 1000 }, (_, i) => ({ key: `k${(i * 7) % 5}${i % 3}`, value: `v${i}` }));

    // when this grouping and kafkajs's group them
    const ours = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner });
    const theirs = kafkajsGrouping({ topic: 't', partitionMetadata, messages, partitioner });

    // then the groups are the same, the same message objects in the same order
    expect(ours).toEqual(theirs);
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    for (const p of Object.keys(ours)) ours[Number(p)].forEach((m, i) => expect(m).toBe(theirs[Number(p)][i]));
  });

  it('groups nothing for a topic without partition metadata', () => {
    // given a topic whose metadata is not loaded
    // when messages are grouped
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages: [{ key: 'k1' }], partitioner });

    // then there is no group, as kafkajs answers
    expect(grouped).toEqual({});
  });

  it('is the grouping kafkajs’s producer uses once the adapter is loaded', () => {
    // given the Kafka adapter loaded (it installs the grouping before kafkajs)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./kafka.adapter');

    // when kafkajs's producer module is asked for its grouping
    // then it is this one
    expect(installPartitionGrouping()).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect((require('kafkajs/src/producer/groupMessagesPerPartition') as { tallyGrouping?: boolean }).tallyGrouping).toBe(true);
  });
});
