import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../infra/infra';
import { startTally, type Backend, type Client, type RunningTally } from '../support/tally';
import { launchChromium, screenshotDir } from './browser';

/** What the console suite's steps share: one Tally, one browser, the admin's tab and a producer key. */
export interface ConsoleWorld {
  backend: Backend;
  tally: RunningTally;
  browser: Awaited<ReturnType<typeof launchChromium>>;
  /** The admin's tab, opened by the first account-page step. */
  admin: Page;
  producer: Client;
  /** Every origin the browser asked something of. */
  origins: Set<string>;
  /** Console errors Chromium logged, besides the refusals the steps cause on purpose. */
  problems: string[];
}

/** This month, as the usage and billing routes name it. */
export const month = () => new Date().toISOString().slice(0, 7);

/**
 * Registers the hooks that start Tally with the built console, Chromium and two meters, and a
 * producer key; the world's fields are set once `beforeAll` has run.
 */
export function consoleWorld(backend: Backend, consoleDir: () => string): ConsoleWorld {
  const world = { backend, origins: new Set<string>(), problems: [] as string[] } as ConsoleWorld;
  beforeAll(async () => {
    // The webhook receiver of the console's steps is on this machine.
    world.tally = await startTally(backend, { consoleDir: consoleDir(), env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    world.browser = await launchChromium();
    world.browser.context.on('request', (request) => world.origins.add(new URL(request.url()).origin));
    world.browser.context.on('console', (message) => {
      // Chromium logs every refused fetch; the role probes, revoked keys and refused forms make some on purpose.
      const expected = /^Failed to load resource: the server responded with a status of (400|401|403|404)/;
      if (message.type() === 'error' && !expected.test(message.text())) world.problems.push(message.text());
    });
    const tally = world.tally;
    await tally.admin.put('/v1/meters/geocoding', { description: 'Forward geocoding' });
    await tally.admin.put('/v1/meters/ocr', { description: 'OCR pages', creditsPerUnit: 2, defaultQuota: { limit: 500 } });
    world.producer = tally.admin.as((await tally.admin.post('/v1/api-keys', { name: 'geocoder', role: 'producer' })).body.token);
  }, 60_000);
  afterAll(async () => {
    await world.browser?.close();
    await world.tally?.destroy();
  });
  return world;
}

// One set of pictures is enough: the embedded run takes them.
export const shot = (world: ConsoleWorld, page: Page, name: string) =>
  world.backend === 'pglite' ? page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true }) : null;

export const openAccount = async (world: ConsoleWorld) => {
  await world.admin.goto(`${world.tally.url}/console/#/accounts/acme`);
  await world.admin.getByRole('heading', { name: 'acme', level: 1 }).waitFor();
};

// Read models lag their writes: refresh the page's data until the check passes, each look brief.
export const refreshUntil = async (world: ConsoleWorld, check: () => Promise<void>) => {
  const admin = world.admin;
  admin.setDefaultTimeout(1000);
  try {
    await eventually(async () => {
      await admin.getByRole('button', { name: 'Refresh' }).click();
      await admin.waitForLoadState('networkidle');
      await check();
    }, 15_000);
  } finally {
    admin.setDefaultTimeout(10_000);
  }
};
