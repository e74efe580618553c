import { readFileSync } from 'node:fs';
import { usageEvent } from '../support/tally';
import { eventually } from '../infra/infra';
import { month, refreshUntil, shot, type ConsoleWorld } from './console-world';

/** The other admin pages over the account page's data: accounts, billing, API keys and meters. */
export function adminPagesSteps(world: ConsoleWorld): void {
  it('lists accounts with their usage bars and balances', async () => {
    await world.tally.admin.post('/v1/accounts/globex/credits', { amount: 40 });
    await world.tally.admin.put('/v1/accounts/globex/quotas/geocoding', { limit: 200, enforcement: 'soft' });
    await world.admin.goto(`${world.tally.url}/console/#/accounts`);
    const acme = world.admin.getByRole('row', { name: /^acme / });
    await refreshUntil(world, async () => {
      expect(await acme.getByRole('meter', { name: /^geocoding:/ }).getAttribute('aria-valuenow')).toBe('730');
      expect(await world.admin.getByRole('row', { name: /^globex / }).innerText()).toContain('40');
    });
    expect(await acme.innerText()).toContain('250');
    await shot(world, world.admin, 'accounts');

    // 20 a page: with 20 more accounts, the page after the first holds the last two.
    for (let i = 1; i <= 20; i++)
      await world.tally.admin.post(`/v1/accounts/zz-${String(i).padStart(2, '0')}/credits`, { amount: i });
    const names = world.admin.locator('table.accounts tbody th');
    await refreshUntil(world, async () => expect(await names.count()).toBe(20));
    expect((await names.allInnerTexts()).slice(0, 3)).toEqual(['acme', 'globex', 'zz-01']);
    await world.admin.getByRole('button', { name: 'Next page' }).click();
    await eventually(async () => expect(await names.allInnerTexts()).toEqual(['zz-19', 'zz-20']));
    expect(await world.admin.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await world.admin.getByRole('button', { name: 'Previous page' }).click();
    await eventually(async () => expect(await names.count()).toBe(20));
  });

  it('shows billing totals and downloads the very CSV the API serves', async () => {
    await world.admin.getByRole('link', { name: 'Billing' }).click();
    const total = world.admin.locator('[data-total="USD"]');
    await eventually(async () => expect(await total.innerText()).toBe('3.00 USD'));
    const [download] = await Promise.all([
      world.admin.waitForEvent('download'),
      world.admin.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`billing-${month()}.csv`);
    const csv = readFileSync(await download.path(), 'utf8');
    const api = await world.tally.admin.get(`/v1/billing?month=${month()}`, { accept: 'text/csv' });
    expect(csv).toBe(api.text);
    expect(csv).toContain(`acme,geocoding,${month()},730,530,6,100,0.50,3.00,USD`);
    await shot(world, world.admin, 'billing');
  });

  it('creates an API key whose token is shown once, and revokes it', async () => {
    await world.admin.getByRole('link', { name: 'API keys' }).click();
    await world.admin.getByLabel('Name').fill('ci-producer');
    await world.admin.getByLabel('Role').selectOption('producer');
    await world.admin.getByRole('button', { name: 'Create key' }).click();
    const token = await world.admin.getByLabel('Token').inputValue();
    expect(token).toMatch(/^tly_/);
    const key = world.tally.admin.as(token);
    expect((await key.post('/v1/usage', usageEvent({ subject: 'globex', meter: 'geocoding', quantity: 1 }))).status).toBe(200);
    await world.admin.reload();
    await world.admin.getByRole('row', { name: /^ci-producer / }).waitFor();
    expect(await world.admin.content()).not.toContain(token);

    await world.admin.getByRole('button', { name: 'Revoke ci-producer' }).click();
    await world.admin.getByRole('button', { name: 'Confirm revoking ci-producer' }).click();
    await world.admin.getByRole('status').filter({ hasText: 'Key ci-producer revoked' }).waitFor();
    await eventually(async () => expect(await world.admin.getByRole('row', { name: /^ci-producer / }).count()).toBe(0));
    expect((await key.get('/v1/meters')).status).toBe(401);
    await shot(world, world.admin, 'api-keys');
    await world.admin.getByRole('link', { name: 'Meters' }).click();
    await world.admin.getByRole('row', { name: /^ocr / }).waitFor();
    await shot(world, world.admin, 'meters');
  });
}
