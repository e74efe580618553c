import { removePgliteTemplate } from './pglite-template';
import { stopContainers } from './probe';

export default async function globalTeardown(): Promise<void> {
  await stopContainers();
  removePgliteTemplate(process.env.TALLY_TEST_PGLITE_TEMPLATE);
}
