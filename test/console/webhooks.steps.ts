import { eventually } from '../infra/infra';
import { usageEvent } from '../support/tally';
import { WebhookReceiver } from '../support/webhook-receiver';
import { signIn } from './browser';
import { refreshUntil, shot, type ConsoleWorld } from './console-world';

/** The webhooks page: an admin adds a real receiver, reads its delivery log and deletes it; finance never sees it. */
export function webhooksSteps(world: ConsoleWorld): void {
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    receiver.status = 200;
    await receiver.up();
  });
  afterAll(() => receiver.down());

  it('adds an endpoint whose secret is shown once, and names the field of a bad URL', async () => {
    const admin = world.admin;
    await admin.goto(`${world.tally.url}/console/#/accounts`);
    await admin.getByRole('link', { name: 'Webhooks' }).click();
    await admin.getByLabel('URL').fill('ftp://example.com/x');
    await admin.getByRole('button', { name: 'Add endpoint' }).click();
    const refused = admin.getByRole('alert');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('Error 400');
    expect(await refused.locator('code').innerText()).toBe('url');

    await admin.getByLabel('URL').fill(receiver.url);
    await admin.getByLabel('Description (optional)').fill('ops pager');
    await admin.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await admin.getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(await admin.getByRole('alert').count()).toBe(0);
    const row = admin.getByRole('row', { name: new RegExp(`^${escape(receiver.url)} `) });
    expect(await row.innerText()).toContain('ops pager');

    await admin.reload();
    await row.waitFor();
    expect(await admin.content()).not.toContain(secret.slice(6));
    expect(await admin.getByLabel('Signing secret').count()).toBe(0);
  });

  it("shows an alert's delivery in the endpoint's log with status 200, then deletes the endpoint", async () => {
    const admin = world.admin;
    await world.tally.admin.put('/v1/accounts/hooked/quotas/geocoding', { limit: 10, alertAt: [50] });
    const usage = await world.tally.admin.post('/v1/usage', usageEvent({ subject: 'hooked', meter: 'geocoding', quantity: 6 }));
    expect(usage.body).toMatchObject({ decision: 'accepted' });
    await eventually(() => expect(receiver.received.filter((r) => r.body.includes('"hooked"'))).toHaveLength(1), 15_000);

    await admin.getByRole('button', { name: `Deliveries to ${receiver.url}` }).click();
    const log = admin.locator('table.deliveries tbody tr');
    await refreshUntil(world, async () => expect(await log.count()).toBe(1));
    const cells = await log.first().locator('th, td').allInnerTexts();
    expect(cells[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
    expect(cells.slice(2, 4)).toEqual(['1', 'HTTP 200']);
    expect(cells[4]).toMatch(/^\d+ ms$/);
    expect(cells[5]).toBe('none');
    const sentId = receiver.received.find((r) => r.body.includes('"hooked"'))!.headers['webhook-id'];
    expect(cells[1]).toBe(sentId);
    await shot(world, admin, 'webhooks');

    await admin.getByRole('button', { name: `Delete ${receiver.url}` }).click();
    await admin.getByRole('button', { name: `Confirm deleting ${receiver.url}` }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: `Endpoint ${receiver.url} deleted` })
      .waitFor();
    await eventually(async () =>
      expect(await admin.getByRole('row', { name: new RegExp(`^${escape(receiver.url)} `) }).count()).toBe(0),
    );
    expect((await world.tally.admin.get('/v1/webhooks')).body).toEqual([]);
    expect(await admin.locator('table.deliveries').count()).toBe(0);
  });

  it('neither lists nor opens the webhooks page for a finance key', async () => {
    const created = (await world.tally.admin.post('/v1/api-keys', { name: 'ledger', role: 'finance' })).body;
    const page = await signIn(world.browser.context, world.tally.url, created.token);
    await page.getByText('Signed in as').waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
    await page.goto(`${world.tally.url}/console/#/webhooks`);
    await page.getByText('Only admin keys manage webhooks.').waitFor();
    expect(await page.getByRole('button', { name: 'Add endpoint' }).count()).toBe(0);
    await page.close();
  });
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
