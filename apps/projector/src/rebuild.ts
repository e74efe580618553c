import { PROJECTED_STREAM_PREFIXES, PROJECTIONS, ProjectionRunner, dropProjection } from '@tally/read-models';
import { createLogger, loadConfig, openDatabase, openEventStore } from '@tally/runtime';

/**
 * `npm run projections:rebuild [name...]`: drops the named projections (all by default) and
 * projects the whole store into fresh tables, printing progress as it goes. Stop the api and
 * projector first in embedded mode (PGlite is one process); on PostgreSQL a running projector
 * simply waits on the checkpoint rows while this runs.
 */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !PROJECTIONS.some((p) => p.name === n));
  if (unknown.length)
    throw new Error(`unknown projections: ${unknown.join(', ')} (known: ${PROJECTIONS.map((p) => p.name).join(', ')})`);
  const selected = names.length ? PROJECTIONS.filter((p) => names.includes(p.name)) : PROJECTIONS;

  const config = loadConfig();
  const db = await openDatabase(config, 'tally-rebuild', createLogger(config.logLevel, 'tally-rebuild'));
  const store = await openEventStore(config, db);
  const runner = new ProjectionRunner(db, store, selected);
  await runner.init();
  for (const p of selected) await dropProjection(db, p);
  const head = await store.headPosition(PROJECTED_STREAM_PREFIXES);
  console.log(`rebuilding ${selected.map((p) => p.name).join(', ')} up to ${head ?? 'an empty store'}`);

  const started = performance.now();
  let done = 0;
  let lastPrint = started;
  const print = () => {
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `  ${done.toLocaleString('en')} events projected, ${Math.round(done / Math.max(seconds, 0.001)).toLocaleString('en')}/s`,
    );
  };
  if (head) {
    const subscription = store.subscribe({ from: null, prefixes: PROJECTED_STREAM_PREFIXES, batchSize: 1000 });
    for await (const batch of subscription) {
      await runner.apply(batch);
      done += batch.length;
      if (performance.now() - lastPrint > 1000) {
        print();
        lastPrint = performance.now();
      }
      if (store.compare(batch[batch.length - 1].position, head) >= 0) break;
    }
    await subscription.close();
  }
  print();
  console.log(`rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await store.close();
  await db.close();
}

main().catch((error: unknown) => {
  createLogger('error', 'tally-rebuild').fatal({ err: error }, (error as Error).message);
  process.exit(1);
});
