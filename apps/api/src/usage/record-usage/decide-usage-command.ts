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
  return cachedUsageCommand(catalog, usage, reportedBy, now) ?? (await decideUsageCommands(catalog, [usage], reportedBy, now))[0];
}

/**
 * {@link decideUsageCommand} built at once, without a promise, a set or a map, when the usage names
 * one meter and its subject and meter are cached and fresh (the catalog would serve both without
 * reading): the same command; undefined otherwise.
 */
export function cachedUsageCommand(
  catalog: CatalogCache,
  usage: UsageMessage,
  reportedBy: string,
  now: string,
): DecideUsage | undefined {
  if (usage.items) return undefined;
  const account = catalog.cachedAccountOf(usage.subject);
  if (account === undefined) return undefined;
  const meter = catalog.cachedMeter(usage.meter);
  if (meter === undefined) return undefined;
  return { type: 'DecideUsage', account, usage, meter, reportedBy, now };
}

/**
 * {@link decideUsageCommand} for each of several usages, in their order, each subject and meter
 * looked up once however many of them name it. `afterTheFact`: usage that has happened already
 * (reported over Kafka), which a rate limit never refuses.
 */
export async function decideUsageCommands(
  catalog: CatalogCache,
  usages: readonly UsageMessage[],
  reportedBy: string,
  now: string,
  { afterTheFact = false }: { afterTheFact?: boolean } = {},
): Promise<DecideUsage[]> {
  const subjects = [...new Set(usages.map((usage) => usage.subject))];
  const meters = new Set<string>();
  for (const usage of usages) {
    meters.add(usage.meter);
    for (const item of usage.items ?? []) meters.add(item.meter);
  }
  const [accounts, definitions] = await Promise.all([catalog.accountsOf(subjects), meterDefinitions(catalog, [...meters])]);
  const accountOf = new Map(subjects.map((subject, i) => [subject, accounts[i]]));
  const definitionOf = (meter: string) => definitions.get(meter) ?? null;
  return usages.map((usage) => ({
    type: 'DecideUsage',
    account: accountOf.get(usage.subject) as string,
    usage,
    meter: definitionOf(usage.meter),
    ...(usage.items ? { meters: new Map(usage.items.map((item) => [item.meter, definitionOf(item.meter)])) } : {}),
    reportedBy,
    ...(afterTheFact ? { afterTheFact } : {}),
    now,
  }));
}

/** The definitions of the given meters, by name (null: not defined). */
export async function meterDefinitions(
  catalog: CatalogCache,
  names: readonly string[],
): Promise<Map<string, MeterDefinition | null>> {
  const definitions = await Promise.all(names.map((name) => catalog.meter(name)));
  return new Map(names.map((name, i) => [name, definitions[i]]));
}
