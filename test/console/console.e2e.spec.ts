import { describeIf, infra } from '../infra/infra';
import { BACKENDS } from '../support/tally';
import { accountDaysSteps } from './account-days.steps';
import { accountPageSteps } from './account-page.steps';
import { adminPagesSteps } from './admin-pages.steps';
import { buildConsole } from './browser';
import { consoleWorld } from './console-world';
import { financeReadsOnly, refusesBadKeysAndProducers } from './roles.steps';
import { webhooksSteps } from './webhooks.steps';

// One scenario per backend, its steps in order (each sees the data the ones before it left);
// the steps live in *.steps.ts by page, the shared world in console-world.ts.
describeIf(infra.chromium, 'the admin console in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  beforeAll(() => {
    built = buildConsole();
  });
  afterAll(() => built.remove());

  describe.each(BACKENDS)('on %s', (backend) => {
    const world = consoleWorld(backend, () => built.dir);

    refusesBadKeysAndProducers(world);
    accountPageSteps(world);
    adminPagesSteps(world);
    financeReadsOnly(world);
    webhooksSteps(world);
    accountDaysSteps(world);

    it('loads nothing from another origin and breaks no content-security rule', () => {
      expect([...world.origins]).toEqual([world.tally.url]);
      expect(world.problems).toEqual([]);
    });
  });
});
