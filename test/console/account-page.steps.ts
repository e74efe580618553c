import { ADMIN_TOKEN, usageEvent } from '../support/tally';
import { eventually } from '../infra/infra';
import { signIn } from './browser';
import { month, openAccount, refreshUntil, shot, type ConsoleWorld } from './console-world';

/** The account page, as an admin uses it: quota, subject, usage charts, credits and the decision log (in this order: each step sees the last one's data). */
export function accountPageSteps(world: ConsoleWorld): void {
  it('signs an admin in, sets a quota and maps a subject, then moves the bar and the charts as usage arrives', async () => {
    world.admin = await signIn(world.browser.context, world.tally.url, ADMIN_TOKEN);
    await world.admin.getByText('Signed in as').waitFor();
    expect(await world.admin.locator('.who').innerText()).toContain('admin');
    expect(await world.admin.evaluate("sessionStorage.getItem('tally.console.token')")).toBe(ADMIN_TOKEN);
    // Keyboard: the first Tab reaches "Skip to content", which moves focus to the page, not the route.
    await world.admin.keyboard.press('Tab');
    expect(await world.admin.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await world.admin.keyboard.press('Enter');
    expect(await world.admin.evaluate('[document.activeElement.id, location.hash]')).toEqual(['main', '#/accounts']);
    await openAccount(world);

    await world.admin.getByLabel('Meter', { exact: true }).fill('geocoding');
    await world.admin.getByLabel('Limit (empty = unlimited, 0 = disabled)').fill('1000');
    await world.admin.getByLabel('Block size').fill('100');
    await world.admin.getByLabel('Block price (decimal)').fill('0.50');
    await world.admin.getByLabel('Included units').fill('200');
    await world.admin.getByRole('button', { name: 'Save quota' }).click();
    const bar = world.admin.getByRole('meter', { name: /^geocoding:/ });
    await refreshUntil(world, async () => expect(await bar.getAttribute('data-limit')).toBe('1000'));
    expect(await bar.getAttribute('aria-valuenow')).toBe('0');
    expect(await world.admin.locator('rect[data-series="geocoding"]').count()).toBe(0);
    const stored = await world.tally.admin.get('/v1/accounts/acme/quotas/geocoding');
    expect(stored.body).toMatchObject({ limit: 1000, blockSize: 100, blockPrice: '0.50', includedUnits: 200, usage: 0 });

    await world.admin.getByLabel('Subject', { exact: true }).fill('alice');
    await world.admin.getByRole('button', { name: 'Map subject' }).click();
    await world.admin.getByRole('status').filter({ hasText: 'alice now bills to acme.' }).waitFor();

    expect(
      (await world.producer.post('/v1/usage', usageEvent({ subject: 'alice', meter: 'geocoding', quantity: 600 }))).status,
    ).toBe(200);
    expect(
      (await world.producer.post('/v1/usage', usageEvent({ subject: 'acme', meter: 'geocoding', quantity: 100 }))).status,
    ).toBe(200);
    const refused = await world.producer.post('/v1/usage', usageEvent({ subject: 'alice', meter: 'geocoding', quantity: 1000 }));
    expect([refused.status, refused.body.reason]).toEqual([402, 'QUOTA_EXCEEDED']);

    await refreshUntil(world, async () => expect(await bar.getAttribute('aria-valuenow')).toBe('700'));
    const thisMonth = `[data-period="${month()}"]`;
    expect(await world.admin.locator(`rect[data-series="geocoding"]${thisMonth}`).getAttribute('data-value')).toBe('700');
    expect(await world.admin.locator(`rect[data-series="alice"]${thisMonth}`).getAttribute('data-value')).toBe('600');
    expect(await world.admin.locator(`rect[data-series="acme"]${thisMonth}`).getAttribute('data-value')).toBe('100');
    expect(await world.admin.getByRole('row', { name: /^alice / }).innerText()).toContain('600');
  });

  it('grants credits', async () => {
    await world.admin.getByLabel('Credits to grant').fill('250');
    await world.admin.getByLabel('Reason (optional)').fill('welcome');
    await world.admin.getByRole('button', { name: 'Grant credits' }).click();
    await world.admin.getByRole('status').filter({ hasText: 'The balance is now 250.' }).waitFor();
    await eventually(async () =>
      expect((await world.tally.admin.get('/v1/accounts/acme/credits')).body).toMatchObject({ balance: 250, granted: 250 }),
    );
    await refreshUntil(world, async () => expect(await world.admin.getByTestId('balance').innerText()).toBe('250'));
    await shot(world, world.admin, 'account');
  });

  it('filters and pages the decision log', async () => {
    const batch = Array.from({ length: 30 }, (_, i) =>
      usageEvent({ id: `batch-${i}`, subject: 'acme', meter: 'geocoding', quantity: 1 }),
    );
    expect((await world.producer.post('/v1/usage', batch)).status).toBe(200);
    const rows = world.admin.locator('table.decisions tbody tr');
    await refreshUntil(world, async () => expect(await rows.count()).toBe(25));
    // Who reported each decision: the producer key, by name.
    expect(await rows.first().innerText()).toMatch(/\tgeocoder$/);
    // Newest first: the first page holds 25 of the batch, the refusal is on the second.
    const filter = world.admin.getByLabel('Show');
    await filter.selectOption('QUOTA_EXCEEDED');
    expect(await rows.count()).toBe(0);
    await filter.selectOption('accepted');
    expect(await rows.count()).toBe(25);
    await filter.selectOption('all');
    const firstPage = await rows.allInnerTexts();
    await world.admin.getByRole('button', { name: 'Older' }).click();
    await eventually(async () => expect(await rows.count()).toBe(8));
    const secondPage = await rows.allInnerTexts();
    expect(secondPage.some((r) => firstPage.includes(r))).toBe(false);
    await filter.selectOption('QUOTA_EXCEEDED');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('rejected (QUOTA_EXCEEDED)');
    await filter.selectOption('all');
    await world.admin.getByRole('button', { name: 'Newest' }).click();
    await eventually(async () => expect(await rows.count()).toBe(25));
  });

  it('shows a reservation in the decision log, and what became of it', async () => {
    const event = usageEvent({ id: 'hold-1', subject: 'acme', meter: 'geocoding', quantity: 4 });
    const hold = await world.producer.post('/v1/reservations', { ...event, data: { ...event.data, ttlSeconds: 600 } });
    expect(hold.status).toBe(201);
    const first = world.admin.locator('table.decisions tbody tr').first();
    await refreshUntil(world, async () => expect(await first.innerText()).toMatch(/reservation of 4: held until/));
    expect((await world.producer.post('/v1/reservations/release', { source: event.source, id: 'hold-1' })).status).toBe(200);
    await refreshUntil(world, async () => expect(await first.innerText()).toMatch(/reservation of 4: released/));
  });
}
