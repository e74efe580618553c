import type { DecideUsage } from '@tally/domain';
import type { UsageMessage } from '@tally/events';
import type { AccountHandler } from '../accounts/account-handler';
import type { CatalogCache } from '../catalog/catalog-cache';
import type { Metrics } from '../operations/metrics';
import { decideUsageCommands } from '../usage/record-usage/decide-usage-command';

/** What the intake needs of the deciding service: resolve accounts, then decide durably. */
export interface UsageDecider {
  /** The domain commands (each usage with its account and meter), at one receive time. */
  commands(requests: UsageMessage[], now: string): Promise<DecideUsage[]>;
  /** Resolves once every decision is durable; throws the first failure (the caller sorts it). */
  decide(commands: DecideUsage[]): Promise<void>;
  /**
   * The account whose aggregate decides an account's usage (the root of its tree, or itself):
   * what usage is routed by, so that one owner decides a whole tree. The account itself when absent.
   */
  aggregateOf?(account: string, now: string): Promise<string>;
  /** {@link aggregateOf} when it is known without reading (a cached account); undefined otherwise. */
  cachedAggregateOf?(account: string): string | undefined;
}

/**
 * The intake's path into the decision service: the same domain command as `POST /v1/usage`
 * (`decideUsageCommands`) handed straight to AccountHandler, with no answer built, since
 * nothing reads one (decisions reach `metering.decisions.v1` through the relay).
 */
export class KafkaUsageDecider implements UsageDecider {
  constructor(
    private readonly decisions: AccountHandler,
    private readonly catalog: CatalogCache,
    private readonly metrics: Metrics,
  ) {}

  /** Usage on the topic has happened already: a rate limit takes its tokens but never refuses it. */
  commands(requests: UsageMessage[], now: string): Promise<DecideUsage[]> {
    return decideUsageCommands(this.catalog, requests, 'kafka', now, { afterTheFact: true });
  }

  aggregateOf(account: string, now: string): Promise<string> {
    return this.decisions.aggregateOf(account, now);
  }

  cachedAggregateOf(account: string): string | undefined {
    return this.decisions.cachedAggregateOf(account);
  }

  async decide(commands: DecideUsage[]): Promise<void> {
    const outcomes = await this.decisions.executeAll(commands);
    // Counted per batch, one increment per outcome and reason (a label lookup per usage cost
    // about as much as the rest of this loop); those before a failure are counted as before.
    let accepted = 0;
    const rejected = new Map<string, number>();
    try {
      for (const outcome of outcomes) {
        if (!outcome.ok) throw outcome.error;
        // A duplicate decides nothing new and is not counted again.
        for (const event of outcome.events) {
          if (event.type === 'UsageAccepted') accepted++;
          else if (event.type === 'UsageRejected') rejected.set(event.data.reason, (rejected.get(event.data.reason) ?? 0) + 1);
        }
      }
    } finally {
      if (accepted > 0) this.metrics.decisions.inc({ decision: 'accepted', reason: '', channel: 'kafka' }, accepted);
      for (const [reason, n] of rejected) this.metrics.decisions.inc({ decision: 'rejected', reason, channel: 'kafka' }, n);
    }
  }
}
