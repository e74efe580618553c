import { createPgliteTemplate } from './pglite-template';
import { probeInfrastructure } from './probe';

/**
 * Finds the infrastructure the integration suites need and hands its addresses to the test
 * workers through the environment. With REQUIRE_INFRA=1 (set by .ci/run) unreachable Kafka or
 * PostgreSQL (or a missing Chromium) fails the run instead of skipping; EventStoreDB is never required here.
 */
export default async function globalSetup(): Promise<void> {
  const found = await probeInfrastructure();
  for (const [key, value] of Object.entries(found.env)) process.env[key] = value;
  for (const line of found.notes) console.log(`\n[infra] ${line}`);
  if (process.env.REQUIRE_INFRA === '1' && found.missingRequired.length > 0) {
    throw new Error(`REQUIRE_INFRA=1 but unreachable: ${found.missingRequired.join('; ')}`);
  }
  process.env.TALLY_TEST_PGLITE_TEMPLATE = await createPgliteTemplate();
}
