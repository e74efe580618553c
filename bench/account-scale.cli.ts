import { runAccountScale } from './account-scale.bench';

/**
 * `node dist/bench/account-scale.cli.js <DATABASE_URL> <usages> [batch]`: the account-scale
 * scenario alone, its result as one JSON line (test/scale runs it so).
 */
async function main(): Promise<void> {
  const [databaseUrl, usages, batch] = process.argv.slice(2);
  if (!databaseUrl || !usages) throw new Error('usage: account-scale.cli.js <DATABASE_URL> <usages> [batch]');
  const result = await runAccountScale(databaseUrl, Number(usages), batch ? Number(batch) : undefined);
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
