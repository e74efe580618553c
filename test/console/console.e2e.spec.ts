import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeIf, eventually, infra } from '../infra/infra';
import { ADMIN_TOKEN, BACKENDS, startTally, usageEvent, type Client, type RunningTally } from '../support/tally';
import { buildConsole, launchChromium, screenshotDir, signIn } from './browser';

const month = () => new Date().toISOString().slice(0, 7);

describeIf(infra.chromium, 'the admin console in Chromium', () => {
  let built: ReturnType<typeof buildConsole>;
  beforeAll(() => {
    built = buildConsole();
  });
  afterAll(() => built.remove());

  describe.each(BACKENDS)('on %s', (backend) => {
    let tally: RunningTally;
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let admin: Page;
    let producer: Client;
    const origins = new Set<string>();
    const problems: string[] = [];
    // One set of pictures is enough: the embedded run takes them.
    const shot = (page: Page, name: string) =>
      backend === 'pglite' ? page.screenshot({ path: join(screenshotDir(), `${name}.png`), fullPage: true }) : null;
    const openAccount = async () => {
      await admin.goto(`${tally.url}/console/#/accounts/acme`);
      await admin.getByRole('heading', { name: 'acme', level: 1 }).waitFor();
    };
    // Read models lag their writes: refresh the page's data until the check passes, each look brief.
    const refreshUntil = async (check: () => Promise<void>) => {
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

    beforeAll(async () => {
      tally = await startTally(backend, { consoleDir: built.dir });
      browser = await launchChromium();
      browser.context.on('request', (request) => origins.add(new URL(request.url()).origin));
      browser.context.on('console', (message) => {
        // Chromium logs every refused fetch; the role probes and revoked keys make some on purpose.
        const expected = /^Failed to load resource: the server responded with a status of (401|403|404)/;
        if (message.type() === 'error' && !expected.test(message.text())) problems.push(message.text());
      });
      await tally.admin.put('/v1/meters/geocoding', { description: 'Forward geocoding' });
      await tally.admin.put('/v1/meters/ocr', { description: 'OCR pages', creditsPerUnit: 2, defaultQuota: { limit: 500 } });
      producer = tally.admin.as((await tally.admin.post('/v1/api-keys', { name: 'geocoder', role: 'producer' })).body.token);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await tally?.destroy();
    });

    it('serves the console without a token, refuses a bad key and tells a producer key it cannot use it', async () => {
      const html = await fetch(`${tally.url}/console/`);
      expect([html.status, html.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
      const page = await signIn(browser.context, tally.url, 'tly_not-a-key');
      await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
      await page.getByLabel('API key').fill(producer.token!);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const refusal = page.getByRole('alert').filter({ hasText: 'producer' });
      expect(await refusal.innerText()).toContain('cannot use the console');
      expect(await page.evaluate('sessionStorage.length')).toBe(0);
      await shot(page, 'sign-in-producer');
      await page.close();
    });

    it('signs an admin in, sets a quota and maps a subject, then moves the bar and the charts as usage arrives', async () => {
      admin = await signIn(browser.context, tally.url, ADMIN_TOKEN);
      await admin.getByText('Signed in as').waitFor();
      expect(await admin.locator('.who').innerText()).toContain('admin');
      expect(await admin.evaluate("sessionStorage.getItem('tally.console.token')")).toBe(ADMIN_TOKEN);
      // Keyboard: the first Tab reaches "Skip to content", which moves focus to the page, not the route.
      await admin.keyboard.press('Tab');
      expect(await admin.evaluate('document.activeElement.textContent')).toBe('Skip to content');
      await admin.keyboard.press('Enter');
      expect(await admin.evaluate('[document.activeElement.id, location.hash]')).toEqual(['main', '#/accounts']);
      await openAccount();

      await admin.getByLabel('Meter', { exact: true }).fill('geocoding');
      await admin.getByLabel('Limit (empty = unlimited, 0 = disabled)').fill('1000');
      await admin.getByLabel('Block size').fill('100');
      await admin.getByLabel('Block price (decimal)').fill('0.50');
      await admin.getByLabel('Included units').fill('200');
      await admin.getByRole('button', { name: 'Save quota' }).click();
      const bar = admin.getByRole('meter', { name: /^geocoding:/ });
      await refreshUntil(async () => expect(await bar.getAttribute('data-limit')).toBe('1000'));
      expect(await bar.getAttribute('aria-valuenow')).toBe('0');
      expect(await admin.locator('rect[data-series="geocoding"]').count()).toBe(0);
      const stored = await tally.admin.get('/v1/accounts/acme/quotas/geocoding');
      expect(stored.body).toMatchObject({ limit: 1000, blockSize: 100, blockPrice: '0.50', includedUnits: 200, usage: 0 });

      await admin.getByLabel('Subject', { exact: true }).fill('alice');
      await admin.getByRole('button', { name: 'Map subject' }).click();
      await admin.getByRole('status').filter({ hasText: 'alice now bills to acme.' }).waitFor();

      expect((await producer.post('/v1/usage', usageEvent({ subject: 'alice', meter: 'geocoding', quantity: 600 }))).status).toBe(
        200,
      );
      expect((await producer.post('/v1/usage', usageEvent({ subject: 'acme', meter: 'geocoding', quantity: 100 }))).status).toBe(
        200,
      );
      const refused = await producer.post('/v1/usage', usageEvent({ subject: 'alice', meter: 'geocoding', quantity: 1000 }));
      expect([refused.status, refused.body.reason]).toEqual([402, 'QUOTA_EXCEEDED']);

      await refreshUntil(async () => expect(await bar.getAttribute('aria-valuenow')).toBe('700'));
      const thisMonth = `[data-month="${month()}"]`;
      expect(await admin.locator(`rect[data-series="geocoding"]${thisMonth}`).getAttribute('data-value')).toBe('700');
      expect(await admin.locator(`rect[data-series="alice"]${thisMonth}`).getAttribute('data-value')).toBe('600');
      expect(await admin.locator(`rect[data-series="acme"]${thisMonth}`).getAttribute('data-value')).toBe('100');
      expect(await admin.getByRole('row', { name: /^alice / }).innerText()).toContain('600');
    });

    it('grants credits', async () => {
      await admin.getByLabel('Credits to grant').fill('250');
      await admin.getByLabel('Reason (optional)').fill('welcome');
      await admin.getByRole('button', { name: 'Grant credits' }).click();
      await admin.getByRole('status').filter({ hasText: 'The balance is now 250.' }).waitFor();
      await eventually(async () =>
        expect((await tally.admin.get('/v1/accounts/acme/credits')).body).toMatchObject({ balance: 250, granted: 250 }),
      );
      await refreshUntil(async () => expect(await admin.getByTestId('balance').innerText()).toBe('250'));
      await shot(admin, 'account');
    });

    it('filters and pages the decision log', async () => {
      const batch = Array.from({ length: 30 }, (_, i) =>
        usageEvent({ id: `batch-${i}`, subject: 'acme', meter: 'geocoding', quantity: 1 }),
      );
      expect((await producer.post('/v1/usage', batch)).status).toBe(200);
      const rows = admin.locator('table.decisions tbody tr');
      await refreshUntil(async () => expect(await rows.count()).toBe(25));
      // Who reported each decision: the producer key, by name.
      expect(await rows.first().innerText()).toMatch(/\tgeocoder$/);
      // Newest first: the first page holds 25 of the batch, the refusal is on the second.
      const filter = admin.getByLabel('Show');
      await filter.selectOption('QUOTA_EXCEEDED');
      expect(await rows.count()).toBe(0);
      await filter.selectOption('accepted');
      expect(await rows.count()).toBe(25);
      await filter.selectOption('all');
      const firstPage = await rows.allInnerTexts();
      await admin.getByRole('button', { name: 'Older' }).click();
      await eventually(async () => expect(await rows.count()).toBe(8));
      const secondPage = await rows.allInnerTexts();
      expect(secondPage.some((r) => firstPage.includes(r))).toBe(false);
      await filter.selectOption('QUOTA_EXCEEDED');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().innerText()).toContain('rejected (QUOTA_EXCEEDED)');
      await filter.selectOption('all');
      await admin.getByRole('button', { name: 'Newest' }).click();
      await eventually(async () => expect(await rows.count()).toBe(25));
    });

    it('lists accounts with their usage bars and balances', async () => {
      await tally.admin.post('/v1/accounts/globex/credits', { amount: 40 });
      await tally.admin.put('/v1/accounts/globex/quotas/geocoding', { limit: 200, enforcement: 'soft' });
      await admin.goto(`${tally.url}/console/#/accounts`);
      const acme = admin.getByRole('row', { name: /^acme / });
      await refreshUntil(async () => {
        expect(await acme.getByRole('meter', { name: /^geocoding:/ }).getAttribute('aria-valuenow')).toBe('730');
        expect(await admin.getByRole('row', { name: /^globex / }).innerText()).toContain('40');
      });
      expect(await acme.innerText()).toContain('250');
      await shot(admin, 'accounts');

      // 20 a page: with 20 more accounts, the page after the first holds the last two.
      for (let i = 1; i <= 20; i++)
        await tally.admin.post(`/v1/accounts/zz-${String(i).padStart(2, '0')}/credits`, { amount: i });
      const names = admin.locator('table.accounts tbody th');
      await refreshUntil(async () => expect(await names.count()).toBe(20));
      expect((await names.allInnerTexts()).slice(0, 3)).toEqual(['acme', 'globex', 'zz-01']);
      await admin.getByRole('button', { name: 'Next page' }).click();
      await eventually(async () => expect(await names.allInnerTexts()).toEqual(['zz-19', 'zz-20']));
      expect(await admin.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      await admin.getByRole('button', { name: 'Previous page' }).click();
      await eventually(async () => expect(await names.count()).toBe(20));
    });

    it('shows billing totals and downloads the very CSV the API serves', async () => {
      await admin.getByRole('link', { name: 'Billing' }).click();
      const total = admin.locator('[data-total="USD"]');
      await eventually(async () => expect(await total.innerText()).toBe('3.00 USD'));
      const [download] = await Promise.all([
        admin.waitForEvent('download'),
        admin.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`billing-${month()}.csv`);
      const csv = readFileSync(await download.path(), 'utf8');
      const api = await tally.admin.get(`/v1/billing?month=${month()}`, { accept: 'text/csv' });
      expect(csv).toBe(api.text);
      expect(csv).toContain(`acme,geocoding,${month()},730,530,6,100,0.50,3.00,USD`);
      await shot(admin, 'billing');
    });

    it('creates an API key whose token is shown once, and revokes it', async () => {
      await admin.getByRole('link', { name: 'API keys' }).click();
      await admin.getByLabel('Name').fill('ci-producer');
      await admin.getByLabel('Role').selectOption('producer');
      await admin.getByRole('button', { name: 'Create key' }).click();
      const token = await admin.getByLabel('Token').inputValue();
      expect(token).toMatch(/^tly_/);
      const key = tally.admin.as(token);
      expect((await key.post('/v1/usage', usageEvent({ subject: 'globex', meter: 'geocoding', quantity: 1 }))).status).toBe(200);
      await admin.reload();
      await admin.getByRole('row', { name: /^ci-producer / }).waitFor();
      expect(await admin.content()).not.toContain(token);

      await admin.getByRole('button', { name: 'Revoke ci-producer' }).click();
      await admin.getByRole('button', { name: 'Confirm revoking ci-producer' }).click();
      await admin.getByRole('status').filter({ hasText: 'Key ci-producer revoked' }).waitFor();
      await eventually(async () => expect(await admin.getByRole('row', { name: /^ci-producer / }).count()).toBe(0));
      expect((await key.get('/v1/meters')).status).toBe(401);
      await shot(admin, 'api-keys');
      await admin.getByRole('link', { name: 'Meters' }).click();
      await admin.getByRole('row', { name: /^ocr / }).waitFor();
      await shot(admin, 'meters');
    });

    it('shows a finance key the read pages and billing, and no way to change anything', async () => {
      const created = (await tally.admin.post('/v1/api-keys', { name: 'books', role: 'finance' })).body;
      const page = await signIn(browser.context, tally.url, created.token);
      await page.getByText('Signed in as').waitFor();
      expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual(['Accounts', 'Meters', 'Billing']);
      await page.goto(`${tally.url}/console/#/accounts/acme`);
      await page.getByRole('meter', { name: /^geocoding:/ }).waitFor();
      for (const write of ['Save quota', 'Grant credits', 'Map subject', 'Edit the geocoding quota']) {
        expect(await page.getByRole('button', { name: write }).count()).toBe(0);
      }
      await page.goto(`${tally.url}/console/#/billing`);
      await eventually(async () => expect(await page.locator('[data-total="USD"]').innerText()).toBe('3.00 USD'));

      // Revoked while signed in: the next call is refused and the tab signs out, forgetting the key.
      expect((await tally.admin.delete(`/v1/api-keys/${created.id}`)).status).toBe(204);
      await page.getByRole('link', { name: 'Meters' }).click();
      await page.getByRole('alert').filter({ hasText: 'no longer accepts the key' }).waitFor();
      expect(await page.evaluate("sessionStorage.getItem('tally.console.token')")).toBeNull();
      await page.close();
    });

    it('loads nothing from another origin and breaks no content-security rule', () => {
      expect([...origins]).toEqual([tally.url]);
      expect(problems).toEqual([]);
    });
  });
});
