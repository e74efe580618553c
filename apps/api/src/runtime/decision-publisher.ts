import type { DecisionMessage } from '@tally/events';

/** Where decisions go once they are durable: `metering.decisions.v1` in full mode, nowhere in embedded mode. */
export interface DecisionPublisher {
  publish(decisions: DecisionMessage[]): Promise<void>;
}

/** Embedded mode has no Kafka: decisions are only in the event store and the read models. */
export const noPublisher: DecisionPublisher = {
  async publish() {
    return undefined;
  },
};
