import { EventEmitter } from 'node:events';
import { createLogger, type KafkaAdapter } from '@tally/runtime';
import { UsageConsumer } from './usage-consumer';
import type { UsageDecider } from './usage-decider';
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
  eachBatch: ((batch: unknown) => Promise<void>) | null = null;
  async run(options: { eachBatch(batch: unknown): Promise<void> }) {
    this.running = true;
    this.eachBatch = options.eachBatch;
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
    topics: { usage: 'usage', usageByAccount: 'usage.by-account', decisions: 'decisions', deadLetters: 'dlq' },
    usagePartitionCount: 6,
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
    {} as UsageDecider,
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

describe('a programming error while deciding', () => {
  const usage = (id: string) =>
    Buffer.from(
      JSON.stringify({
        specversion: '1.0',
        id,
        source: 'svc',
        type: 'metering.usage.v1',
        subject: 'alice',
        data: { meter: 'm', quantity: 1 },
      }),
    );

  it('stops the slice, is retried and reported at error level, and is never dead-lettered', async () => {
    const consumer = new FakeConsumer(false);
    const sent: Array<{ topic: string }> = [];
    const kafka = {
      topics: { usage: 'usage', usageByAccount: 'usage.by-account', decisions: 'decisions', deadLetters: 'dlq' },
      usagePartitionCount: 1,
      partitionOf: () => 0,
      createConsumer: () => consumer,
      send: async (topic: string) => void sent.push({ topic }),
    } as unknown as KafkaAdapter;
    let attempts = 0;
    const decided: string[] = [];
    // The injected fault: Tally's own code throws a TypeError on the first two attempts.
    const decider: UsageDecider = {
      commands: async (requests, now) =>
        requests.map((u) => ({ type: 'DecideUsage', account: u.subject, usage: u, meter: null, reportedBy: 'kafka', now })),
      decide: async (commands) => {
        if (++attempts <= 2) throw new TypeError("Cannot read properties of undefined (reading 'limit')");
        decided.push(...commands.map((c) => c.usage.id));
      },
    };
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const counts = { programmingErrors: 0, deadLetters: 0 };
    const intake = new UsageConsumer(
      kafka,
      decider,
      new Clock(),
      logger,
      {
        deadLettered: () => counts.deadLetters++,
        restarted: () => undefined,
        programmingError: () => counts.programmingErrors++,
      },
      () => undefined,
    );
    await intake.start();
    const resolved: string[] = [];
    await consumer.eachBatch!({
      batch: {
        topic: 'usage',
        partition: 0,
        messages: [
          { key: null, value: usage('u-1'), offset: '41' },
          { key: null, value: usage('u-2'), offset: '42' },
        ],
      },
      resolveOffset: (offset: string) => void resolved.push(offset),
      commitOffsetsIfNecessary: async () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    });
    expect(attempts).toBe(3);
    expect(decided).toEqual(['u-1', 'u-2']);
    expect(resolved).toEqual(['42']);
    expect(sent).toEqual([]);
    expect(counts).toEqual({ programmingErrors: 2, deadLetters: 0 });
    const errors = lines.filter((l) => l.level === 'error' || l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ err: expect.objectContaining({ type: 'TypeError' }) });
    await intake.stop();
  });
});
