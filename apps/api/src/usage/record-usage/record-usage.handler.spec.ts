import type { DecideUsage } from '@tally/domain';
import type { MeterDefinition, UsageMessage } from '@tally/events';
import type { AccountHandler } from '../../accounts/account-handler';
import type { CatalogCache } from '../../catalog/catalog-cache';
import type { Metrics } from '../../operations/metrics';
import { Clock } from '../../runtime/clock';
import { RecordUsageCommand } from './record-usage.command';
import { RecordUsageHandler } from './record-usage.handler';

const GEO = { meter: 'geo', description: null, creditsPerUnit: null } as unknown as MeterDefinition;

const usage = (subject: string, id: string): UsageMessage => ({
  source: 'svc',
  id,
  subject,
  meter: 'geo',
  quantity: 1,
  time: null,
});

/** A catalog that has nothing cached and records what it is asked for. */
function askedCatalog() {
  const asked: string[][] = [];
  const catalog = {
    cachedAccountOf: () => undefined,
    cachedMeter: () => undefined,
    accountsOf: async (subjects: readonly string[]) => {
      asked.push([...subjects]);
      return subjects.map((s) => `org-${s}`);
    },
    meter: async () => GEO,
  } as unknown as CatalogCache;
  return { catalog, asked };
}

/** An account handler that keeps the commands it is given and decides none of them. */
function keptCommands() {
  const kept: DecideUsage[] = [];
  const handler = {
    executeAll: async (commands: DecideUsage[]) => {
      kept.push(...commands);
      return [];
    },
  } as unknown as AccountHandler;
  return { handler, kept };
}

const metrics = { decisions: { inc: () => undefined } } as unknown as Metrics;

describe('RecordUsageHandler', () => {
  it('looks up the subjects of a batch together, each once, and keeps the batch in order', async () => {
    // Given a catalog with nothing cached
    const { catalog, asked } = askedCatalog();
    const { handler, kept } = keptCommands();
    const record = new RecordUsageHandler(handler, catalog, new Clock(), metrics);
    // When a batch of four usages over three subjects is recorded
    const batch = [usage('a', '1'), usage('b', '2'), usage('a', '3'), usage('c', '4')];
    await record.execute(new RecordUsageCommand(batch, 'http', 'key-1'));
    // Then the catalog was asked once, for the three subjects, and each command has its subject's account
    expect(asked).toEqual([['a', 'b', 'c']]);
    expect(kept.map((c) => [c.usage.id, c.account, c.meter, c.reportedBy])).toEqual([
      ['1', 'org-a', GEO, 'key-1'],
      ['2', 'org-b', GEO, 'key-1'],
      ['3', 'org-a', GEO, 'key-1'],
      ['4', 'org-c', GEO, 'key-1'],
    ]);
  });
});
