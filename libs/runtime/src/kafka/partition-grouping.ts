import { replaceKafkajsModule } from './kafkajs-modules';

/**
 * kafkajs's grouping of a send's messages by partition, in one pass. kafkajs's own
 * (`producer/groupMessagesPerPartition`) copies a partition's whole list and builds an object for
 * every message it adds (`Object.assign(result, { [p]: [...current, message] })`): quadratic in the
 * messages per partition, a few hundred per relay request. The groups are the same: each
 * partition's messages in the order sent, under the partition the partitioner gives.
 */

interface Grouping<M> {
  topic: string;
  partitionMetadata: unknown[];
  messages: M[];
  partitioner(args: { topic: string; partitionMetadata: unknown[]; message: M }): number;
}

export function groupMessagesPerPartition<M>({
  topic,
  partitionMetadata,
  messages,
  partitioner,
}: Grouping<M>): Record<number, M[]> {
  const result: Record<number, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    const current = result[partition];
    if (current === undefined) result[partition] = [message];
    else current.push(message);
  }
  return result;
}

const GROUPING_MODULE = 'kafkajs/src/producer/groupMessagesPerPartition';
const SENDING_MODULE = 'kafkajs/src/producer/sendMessages';

/**
 * Makes kafkajs group with {@link groupMessagesPerPartition}: its module's exports are replaced
 * before kafkajs's producer, which takes them when kafkajs is loaded, is. So this runs before
 * kafkajs is first loaded (kafka.adapter.ts imports this module first); true if installed (or
 * already), false if kafkajs's producer was loaded before (its own grouping then stays: same groups).
 */
export function installPartitionGrouping(): boolean {
  return replaceKafkajsModule(GROUPING_MODULE, SENDING_MODULE, 'tallyGrouping', () => groupMessagesPerPartition);
}

installPartitionGrouping();
