import { chunkByBytes, GZIP_IN_ONE_PASS, rememberingPartitioner } from '@tally/runtime';
import { CompressionCodecs, CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { answerCpuQueries } from './forked-process';

// As in every Tally process (libs/runtime/src/kafka/kafka.adapter.ts): gzip in one synchronous call.
CompressionCodecs[CompressionTypes.GZIP] = () => GZIP_IN_ONE_PASS;

/**
 * The Kafka pipeline's floor, forked by the bench: kafkajs consuming PIPE_FROM and producing one
 * message per consumed one (its key and value unchanged) to PIPE_TO, then committing the batch's
 * offsets, with no Tally work between. Consumer as Tally's usage consumer runs (offsets resolved
 * by hand and committed once the produce is acknowledged, every partition at once); producer as
 * Tally's relays publish (idempotent, 5 requests in flight, gzip, acks from all in-sync replicas,
 * requests of at most 256 KiB). Sends `ready` once its group is joined.
 */
async function main(): Promise<void> {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const [from, to] = [env('PIPE_FROM'), env('PIPE_TO')];
  const kafka = new Kafka({
    clientId: 'bench-pipe',
    brokers: env('PIPE_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 10_000 },
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    createPartitioner: rememberingPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
  const consumer = kafka.consumer({
    groupId: env('PIPE_GROUP'),
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 1000,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 30_000 },
  });
  await producer.connect();
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.subscribe({ topics: [from], fromBeginning: true });
  await consumer.run({
    eachBatchAutoResolve: false,
    autoCommit: true,
    autoCommitThreshold: 1,
    partitionsConsumedConcurrently: Number(env('PIPE_PARTITIONS')),
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      if (batch.messages.length === 0) return;
      const messages = batch.messages.map((m) => ({ key: m.key, value: m.value }));
      for (const chunk of chunkByBytes(messages)) {
        await producer.send({ topic: to, acks: -1, compression: CompressionTypes.GZIP, messages: chunk });
      }
      resolveOffset(batch.messages[batch.messages.length - 1].offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    },
  });
  await joined;
  answerCpuQueries();
  process.once('SIGTERM', () => {
    void Promise.allSettled([consumer.disconnect(), producer.disconnect()]).then(() => process.exit(0));
  });
  process.send?.('ready');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
