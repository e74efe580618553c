import type { DecideUsage } from '@tally/domain';
import type { UsageMessage } from '@tally/events';
import type { CatalogCache } from '../../catalog/catalog-cache';

/**
 * The domain command (`DecideUsage`) for one usage message: its account (the subject's mapping) and its meter's
 * definition looked up now, so that deciding stays pure. Deciding and checking build it alike.
 */
export async function decideUsageCommand(
  catalog: CatalogCache,
  usage: UsageMessage,
  reportedBy: string,
  now: string,
): Promise<DecideUsage> {
  const [account, meter] = await Promise.all([catalog.accountOf(usage.subject), catalog.meter(usage.meter)]);
  return { type: 'DecideUsage', account, usage, meter, reportedBy, now };
}
