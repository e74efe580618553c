import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { infra } from '../infra/infra';

const ROOT = resolve(__dirname, '../..');

/** Debian's Chromium in a fresh profile, headless, talking to nothing but the page's server. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'tally-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: infra.chromium ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
    timeout: 30_000,
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Builds the console as `npm run build` does, into a folder of the suite's own. */
export function buildConsole(): { dir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'tally-console-'));
  const dir = join(parent, 'console');
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-console.mjs'), dir], { cwd: ROOT, stdio: 'pipe' });
  return { dir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * Where screenshots go: docs/screenshots with UPDATE_SCREENSHOTS=1 (to refresh the pictures
 * of docs/console.md), else a temporary folder, so that a test run leaves the work tree untouched.
 */
export function screenshotDir(): string {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs/screenshots') : join(tmpdir(), 'tally-screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Signs in on a fresh tab with a key, as a person would type it. */
export async function signIn(context: BrowserContext, url: string, token: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/console/`);
  await page.getByLabel('API key').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}
