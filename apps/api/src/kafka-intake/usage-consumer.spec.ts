import { EventEmitter } from 'node:events';
import type { CommandBus } from '@nestjs/cqrs';
import { createLogger, type KafkaAdapter } from '@tally/runtime';
import { UsageConsumer } from './usage-consumer';
import { Clock } from '../runtime/clock';

const CRASH = 'consumer.crash';

/** A kafkajs consumer stand-in: lifecycle calls, and a crash the test can raise. */
class FakeConsumer extends EventEmitter {
  readonly events = { GROUP_JOIN: 'j', FETCH: 'f', FETCH_START: 'fs', CRASH, STOP: 's', DISCONNECT: 'd' };
  running = false;
  disconnects = 0;
  constructor(private readonly failConnect: boolean) {
    super();
  }
  async connect() {
    if (this.failConnect) throw new Error('connect ECONNREFUSED');
  }
  async subscribe() {}
  async run() {
    this.running = true;
  }
  async disconnect() {
    this.disconnects++;
    this.running = false;
  }
  crash(restart: boolean) {
    this.running = false;
    this.emit(CRASH, { payload: { error: new Error('KafkaJSNonRetriableError'), restart } });
  }
}

function setup(failConnectsAfterFirst: number, failFirst = false) {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    topics: { usage: 'usage', decisions: 'decisions', deadLetters: 'dlq' },
    createConsumer: () => {
      const fails = consumers.length === 0 ? failFirst : consumers.length <= failConnectsAfterFirst;
      const consumer = new FakeConsumer(fails);
      consumers.push(consumer);
      return consumer;
    },
  } as unknown as KafkaAdapter;
  const counts = { restarts: 0, gaveUp: 0 };
  const usage = new UsageConsumer(
    kafka,
    {} as CommandBus,
    new Clock(),
    createLogger('silent', 'test'),
    { deadLettered: () => undefined, restarted: () => counts.restarts++ },
    () => counts.gaveUp++,
    { maxRestarts: 3, windowMs: 60_000, baseDelayMs: 5, maxDelayMs: 20 },
  );
  return { usage, consumers, counts };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('supervising the usage consumer', () => {
  it('restarts a consumer that crashed for good (kafkajs does not restart it), with a new one', async () => {
    const { usage, consumers, counts } = setup(0);
    await usage.start();
    consumers[0].crash(false);
    await settle();
    expect(consumers).toHaveLength(2);
    expect(consumers[1].running).toBe(true);
    expect(counts).toEqual({ restarts: 1, gaveUp: 0 });
    await usage.stop();
  });

  it('leaves a crash kafkajs restarts itself to kafkajs, counting it', async () => {
    const { usage, consumers, counts } = setup(0);
    await usage.start();
    consumers[0].crash(true);
    await settle();
    expect(consumers).toHaveLength(1);
    expect(counts.restarts).toBe(1);
    await usage.stop();
  });

  it('gives up (for the process to exit) when restarting keeps failing', async () => {
    const { usage, consumers, counts } = setup(10);
    await usage.start();
    consumers[0].crash(false);
    await settle();
    expect(consumers).toHaveLength(4);
    expect(counts.gaveUp).toBe(1);
    await usage.stop();
  });

  it('does not restart once stopping', async () => {
    const { usage, consumers, counts } = setup(0);
    await usage.start();
    await usage.stop();
    consumers[0].crash(false);
    await settle();
    expect(consumers).toHaveLength(1);
    expect(counts.gaveUp).toBe(0);
  });

  // The UsageConsumer is the one owner of its kafkajs consumer: the adapter's close() no longer
  // disconnects consumers, so a start that fails must not leave one connected behind it.
  it('disconnects a consumer whose start failed, and rethrows', async () => {
    const { usage, consumers } = setup(0, true);
    await expect(usage.start()).rejects.toThrow('ECONNREFUSED');
    expect(consumers).toHaveLength(1);
    expect(consumers[0].disconnects).toBe(1);
  });
});
