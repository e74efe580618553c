import type { Dialog } from 'playwright-core';
import { eventually } from '../infra/infra';
import { usageEvent } from '../support/tally';
import { refreshUntil, shot, type ConsoleWorld } from './console-world';

const DAY_MS = 86_400_000;
const ACCOUNT = 'initech';

/**
 * A second account's page, after the other steps (its usage and grants change no figure they check):
 * the daily chart over usages of several days, voiding a grant behind a confirmation, the allowance.
 */
export function accountDaysSteps(world: ConsoleWorld): void {
  const page = () => world.admin;
  const bars = (series: string, period = '') =>
    page().locator(`rect[data-series="${series}"]${period ? `[data-period="${period}"]` : ''}`);

  it('charts usage by UTC day of its event times, and by month again when switched back', async () => {
    // Event times on five days; the oldest (32 days ago: still within rule 2's 35) is outside the 30-day chart.
    const now = Date.now() - 60_000;
    const usages = [0, 1, 3, 12, 32].map((daysAgo, i) => ({
      time: new Date(now - daysAgo * DAY_MS).toISOString(),
      quantity: [2, 3, 5, 7, 11][i],
    }));
    expect((await world.tally.admin.put(`/v1/accounts/${ACCOUNT}/quotas/geocoding`, { limit: 1000 })).status).toBe(200);
    for (const { time, quantity } of usages) {
      const answer = await world.producer.post('/v1/usage', usageEvent({ subject: ACCOUNT, meter: 'geocoding', quantity, time }));
      expect([answer.status, answer.body.decision]).toEqual([200, 'accepted']);
    }
    await page().goto(`${world.tally.url}/console/#/accounts/${ACCOUNT}`);
    await page().getByRole('heading', { name: ACCOUNT, level: 1 }).waitFor();
    await page().getByLabel('Chart by').selectOption('day');

    const value = (series: string, period: string) => bars(series, period).getAttribute('data-value');
    await refreshUntil(world, async () => {
      for (const { time, quantity } of usages.slice(0, 4))
        expect(await value('geocoding', time.slice(0, 10))).toBe(String(quantity));
    });
    // One bar a day for 30 days, four of them above zero, and the same days per subject.
    expect(await bars('geocoding').count()).toBe(30);
    const shown = await bars('geocoding').evaluateAll(
      (rects) => rects.filter((r) => r.getAttribute('data-value') !== '0').length,
    );
    expect(shown).toBe(4);
    expect(await bars('geocoding', usages[4].time.slice(0, 10)).count()).toBe(0);
    expect(await value(ACCOUNT, usages[2].time.slice(0, 10))).toBe('5');
    const api = await world.tally.admin.get(
      `/v1/accounts/${ACCOUNT}/usage?granularity=day&from=${usages[3].time.slice(0, 10)}&to=${usages[0].time.slice(0, 10)}`,
    );
    expect(api.body.map((l: any) => l.units)).toEqual([7, 5, 3, 2]);

    // By month: each month's bar sums its days, the oldest usage included.
    await page().getByLabel('Chart by').selectOption('month');
    const perMonth = new Map<string, number>();
    for (const { time, quantity } of usages) perMonth.set(time.slice(0, 7), (perMonth.get(time.slice(0, 7)) ?? 0) + quantity);
    // The day chart waited for the four days it shows, not for the oldest usage (sent last): the month
    // view is fetched once when switched to, so it is refreshed until the projection has that one too.
    await refreshUntil(world, async () => {
      for (const [month, units] of perMonth) expect(await value('geocoding', month)).toBe(String(units));
    });
    expect(await bars('geocoding').count()).toBe(6);
  });

  it('voids a grant only once the admin confirms, and sets and removes the allowance', async () => {
    const expiresAt = new Date(Date.now() + 20 * DAY_MS).toISOString();
    const grant = (body: object) => world.tally.admin.post(`/v1/accounts/${ACCOUNT}/credits`, body);
    expect((await grant({ id: 'promo', amount: 100, priority: 10, expiresAt, reason: 'promotion' })).status).toBe(201);
    expect((await grant({ id: 'paid', amount: 50 })).status).toBe(201);
    const row = (id: string) => page().getByTestId('grants').locator('tbody tr', { hasText: id });
    await refreshUntil(world, async () => expect(await row('paid').count()).toBe(1));
    expect(await row('promo').innerText()).toMatch(/^promo\t10\t100 \/ 100\t\S+ \S+ UTC\tlive\tVoid$/);

    // Dismissed: nothing is sent, the grant stays live.
    const voids: string[] = [];
    page().on('request', (request) => void (request.url().endsWith('/void') && voids.push(request.method())));
    const answer = (accept: boolean) => (dialog: Dialog) => void (accept ? dialog.accept() : dialog.dismiss());
    const [dismissed] = await Promise.all([
      page()
        .waitForEvent('dialog')
        .then((d) => (answer(false)(d), d.message())),
      row('promo').getByRole('button', { name: 'Void' }).click(),
    ]);
    expect(dismissed).toBe('Void grant promo? Its 100 remaining credits leave the balance now.');
    await page().waitForLoadState('networkidle');
    expect(voids).toEqual([]);
    const promo = async () =>
      (await world.tally.admin.get(`/v1/accounts/${ACCOUNT}/credits/grants`)).body.find((g: any) => g.id === 'promo');
    expect((await promo()).status).toBe('live');

    // Confirmed: voided, and its remainder leaves the balance.
    page().once('dialog', answer(true));
    await row('promo').getByRole('button', { name: 'Void' }).click();
    await page().getByRole('status').filter({ hasText: 'Voided promo.' }).waitFor();
    expect(voids).toEqual(['POST']);
    await eventually(async () => expect(await promo()).toMatchObject({ status: 'voided', remaining: 0 }));
    await refreshUntil(world, async () => {
      expect(await row('promo').innerText()).toMatch(/\tvoided\t?$/);
      expect(await page().getByTestId('balance').innerText()).toBe('50');
    });
    expect(await row('promo').getByRole('button', { name: 'Void' }).count()).toBe(0);

    await page().getByLabel('Allowance credits').fill('30');
    await page().getByLabel('Every').selectOption('day');
    await page().getByRole('button', { name: 'Set allowance' }).click();
    await page().getByRole('status').filter({ hasText: 'Allowance set' }).waitFor();
    const credits = async () => (await world.tally.admin.get(`/v1/accounts/${ACCOUNT}/credits`)).body;
    await eventually(async () => expect((await credits()).allowance).toMatchObject({ amount: 30, per: 'day' }));
    await refreshUntil(world, async () => {
      expect(await page().getByTestId('allowance').innerText()).toMatch(/^Allowance: 30 credits every day \(priority \d+\)$/);
      expect(await page().getByTestId('balance').innerText()).toBe('80');
    });
    await page().getByLabel('Chart by').selectOption('day');
    await shot(world, page(), 'account-daily');

    await page().getByRole('button', { name: 'Remove allowance' }).click();
    await page().getByRole('status').filter({ hasText: 'Allowance removed.' }).waitFor();
    await eventually(async () => expect((await credits()).allowance ?? null).toBeNull());
    await refreshUntil(world, async () => expect(await page().getByTestId('allowance').innerText()).toBe('Allowance: none'));
    expect(await page().getByRole('button', { name: 'Remove allowance' }).count()).toBe(0);
  });
}
