import { eventually } from '../infra/infra';
import { signIn } from './browser';
import { shot, type ConsoleWorld } from './console-world';

/** Before anything is set up: who may not use the console. */
export function refusesBadKeysAndProducers(world: ConsoleWorld): void {
  it('serves the console without a token, refuses a bad key and tells a producer key it cannot use it', async () => {
    const html = await fetch(`${world.tally.url}/console/`);
    expect([html.status, html.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
    const page = await signIn(world.browser.context, world.tally.url, 'tly_not-a-key');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('API key').fill(world.producer.token!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'producer' });
    expect(await refusal.innerText()).toContain('cannot use the console');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await shot(world, page, 'sign-in-producer');
    await page.close();
  });
}

/** After the admin steps: a finance key sees the read pages and billing, then loses them when revoked. */
export function financeReadsOnly(world: ConsoleWorld): void {
  it('shows a finance key the read pages and billing, and no way to change anything', async () => {
    const created = (await world.tally.admin.post('/v1/api-keys', { name: 'books', role: 'finance' })).body;
    const page = await signIn(world.browser.context, world.tally.url, created.token);
    await page.getByText('Signed in as').waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual(['Accounts', 'Meters', 'Billing']);
    await page.goto(`${world.tally.url}/console/#/accounts/acme`);
    await page.getByRole('meter', { name: /^geocoding:/ }).waitFor();
    await page.getByTestId('grants').waitFor();
    for (const write of ['Save quota', 'Grant credits', 'Void', 'Set allowance', 'Map subject', 'Edit the geocoding quota']) {
      expect(await page.getByRole('button', { name: write }).count()).toBe(0);
    }
    await page.goto(`${world.tally.url}/console/#/billing`);
    await eventually(async () => expect(await page.locator('[data-total="USD"]').innerText()).toBe('3.00 USD'));

    // Revoked while signed in: the next call is refused and the tab signs out, forgetting the key.
    expect((await world.tally.admin.delete(`/v1/api-keys/${created.id}`)).status).toBe(204);
    await page.getByRole('link', { name: 'Meters' }).click();
    await page.getByRole('alert').filter({ hasText: 'no longer accepts the key' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('tally.console.token')")).toBeNull();
    await page.close();
  });
}
