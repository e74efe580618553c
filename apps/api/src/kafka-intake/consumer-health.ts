import type { GroupConsumer } from '@tally/runtime';

/** How long without a fetch or a decided slice before a joined consumer counts as stalled. */
export const STALL_MS = 6000;

/**
 * Whether the usage consumer is consuming, from kafkajs's instrumentation events: joined to its
 * group and fetching or deciding recently. A crash, a stop or a stall makes it not ready.
 */
export class ConsumerHealth {
  private joined = false;
  private lastActivity = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Follows a consumer's events; call for each new consumer. */
  watch(consumer: GroupConsumer): void {
    const { GROUP_JOIN, FETCH, FETCH_START, CRASH, STOP, DISCONNECT } = consumer.events;
    consumer.on(GROUP_JOIN, () => {
      this.joined = true;
      this.active();
    });
    consumer.on(FETCH_START, () => this.active());
    consumer.on(FETCH, () => this.active());
    for (const event of [CRASH, STOP, DISCONNECT]) consumer.on(event, () => (this.joined = false));
  }

  /** A slice was decided and committed. */
  active(): void {
    this.lastActivity = this.now();
  }

  consuming(): boolean {
    return this.joined && this.now() - this.lastActivity < STALL_MS;
  }
}
