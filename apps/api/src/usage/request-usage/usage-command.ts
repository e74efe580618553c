import type { RequestUsage } from '@tally/domain';
import type { UsageRequest } from '@tally/events';
import type { Catalog } from '../../catalog/catalog';

/**
 * The domain command for one usage request: its account (the subject's mapping) and its meter's
 * definition looked up now, so that deciding stays pure. Deciding and checking build it alike.
 */
export async function requestUsageCommand(
  catalog: Catalog,
  usage: UsageRequest,
  reportedBy: string,
  now: string,
): Promise<RequestUsage> {
  const [account, meter] = await Promise.all([catalog.accountOf(usage.subject), catalog.meter(usage.meter)]);
  return { type: 'RequestUsage', account, usage, meter, reportedBy, now };
}
