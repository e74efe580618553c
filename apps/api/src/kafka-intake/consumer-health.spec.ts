import { EventEmitter } from 'node:events';
import type { GroupConsumer } from '@tally/runtime';
import { ConsumerHealth, STALL_MS } from './consumer-health';

const EVENTS = {
  GROUP_JOIN: 'consumer.group_join',
  FETCH: 'consumer.fetch',
  FETCH_START: 'consumer.fetch_start',
  CRASH: 'consumer.crash',
  STOP: 'consumer.stop',
  DISCONNECT: 'consumer.disconnect',
};

/** A stand-in for a kafkajs consumer: only its instrumentation events. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  return {
    events: EVENTS,
    on: (event: string, listener: () => void) => emitter.on(event, listener),
    emit: (event: string) => emitter.emit(event),
  };
}

describe('whether the usage consumer is consuming', () => {
  let now = 0;
  const setup = () => {
    const consumer = fakeConsumer();
    const health = new ConsumerHealth(() => now);
    health.watch(consumer as unknown as GroupConsumer);
    return { consumer, health };
  };

  it('is not before joining its group, and is once joined', () => {
    const { consumer, health } = setup();
    expect(health.consuming()).toBe(false);
    consumer.emit(EVENTS.GROUP_JOIN);
    expect(health.consuming()).toBe(true);
  });

  it.each(['CRASH', 'STOP', 'DISCONNECT'] as const)('is not after %s, and is again after rejoining', (event) => {
    const { consumer, health } = setup();
    consumer.emit(EVENTS.GROUP_JOIN);
    consumer.emit(EVENTS[event]);
    expect(health.consuming()).toBe(false);
    consumer.emit(EVENTS.GROUP_JOIN);
    expect(health.consuming()).toBe(true);
  });

  it('is not when nothing was fetched or decided for longer than the stall limit', () => {
    const { consumer, health } = setup();
    consumer.emit(EVENTS.GROUP_JOIN);
    now += STALL_MS - 1;
    consumer.emit(EVENTS.FETCH);
    now += STALL_MS - 1;
    expect(health.consuming()).toBe(true);
    health.active();
    now += STALL_MS;
    expect(health.consuming()).toBe(false);
    consumer.emit(EVENTS.FETCH_START);
    expect(health.consuming()).toBe(true);
  });
});
