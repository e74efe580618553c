import type { DecideUsage } from '@tally/domain';
import type { MeterDefinition, UsageMessage } from '@tally/events';
import type { CatalogCache } from '../../catalog/catalog-cache';

/**
 * The domain command (`DecideUsage`) for one usage message: its account (the subject's mapping) and its meter's
 * definition looked up now (each item's, for a multi-item usage), so that deciding stays pure. Deciding and
 * checking build it alike.
 */
export async function decideUsageCommand(
  catalog: CatalogCache,
  usage: UsageMessage,
  reportedBy: string,
  now: string,
): Promise<DecideUsage> {
  const [account, meter, meters] = await Promise.all([
    catalog.accountOf(usage.subject),
    catalog.meter(usage.meter),
    usage.items
      ? meterDefinitions(
          catalog,
          usage.items.map((item) => item.meter),
        )
      : undefined,
  ]);
  return { type: 'DecideUsage', account, usage, meter, ...(meters ? { meters } : {}), reportedBy, now };
}

/** The definitions of the given meters, by name (null: not defined). */
export async function meterDefinitions(
  catalog: CatalogCache,
  names: readonly string[],
): Promise<Map<string, MeterDefinition | null>> {
  const definitions = await Promise.all(names.map((name) => catalog.meter(name)));
  return new Map(names.map((name, i) => [name, definitions[i]]));
}
