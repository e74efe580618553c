import type { RequestUsage } from '@tally/domain';
import type { UsageRequest } from '@tally/events';
import type { AccountDecisions } from '../accounts/account-decisions';
import type { Catalog } from '../catalog/catalog';
import type { Metrics } from '../operations/metrics';
import { requestUsageCommand } from '../usage/request-usage/usage-command';

/** What the intake needs of the deciding service: resolve accounts, then decide durably. */
export interface UsageDecider {
  /** The domain commands (each usage with its account and meter), at one receive time. */
  commands(requests: UsageRequest[], now: string): Promise<RequestUsage[]>;
  /** Resolves once every decision is durable; throws the first failure (the caller sorts it). */
  decide(commands: RequestUsage[]): Promise<void>;
}

/**
 * The intake's path into the decision service: the same domain command as `POST /v1/usage`
 * (`requestUsageCommand`) handed straight to AccountDecisions, with no answer built, since
 * nothing reads one (decisions reach `metering.decisions.v1` through the relay).
 */
export class KafkaUsageDecider implements UsageDecider {
  constructor(
    private readonly decisions: AccountDecisions,
    private readonly catalog: Catalog,
    private readonly metrics: Metrics,
  ) {}

  commands(requests: UsageRequest[], now: string): Promise<RequestUsage[]> {
    return Promise.all(requests.map((usage) => requestUsageCommand(this.catalog, usage, 'kafka', now)));
  }

  async decide(commands: RequestUsage[]): Promise<void> {
    const outcomes = await this.decisions.executeAll(commands);
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      // A duplicate decides nothing new and is not counted again.
      for (const event of outcome.events) {
        if (event.type === 'UsageAccepted') this.metrics.decisions.inc({ decision: 'accepted', reason: '', channel: 'kafka' });
        else if (event.type === 'UsageRejected')
          this.metrics.decisions.inc({ decision: 'rejected', reason: event.data.reason, channel: 'kafka' });
      }
    }
  }
}
