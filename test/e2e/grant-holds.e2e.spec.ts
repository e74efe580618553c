import { eventually } from '../infra/infra';
import { pricedAccount, startWithFinance } from '../support/credits';
import { BACKENDS, usageEvent, type Client, type RunningTally } from '../support/tally';
import { holdEvent } from './hold-event';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleepUntil = (iso: string) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(iso) - Date.now()) + 300));

type Row = { kind: string; grant: string; amount: number };

describe.each(BACKENDS)('reservations on credit grants over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  let finance: Client;
  beforeAll(async () => {
    ({ tally, finance } = await startWithFinance(backend));
  });
  afterAll(() => tally.destroy());

  /** A fresh account holding `grants`, and a meter costing one credit a unit. */
  async function accountWith(...grants: Array<Record<string, unknown>>): Promise<{ account: string; meter: string }> {
    const { account, meter } = await pricedAccount(tally);
    for (const g of grants) expect((await tally.admin.post(`/v1/accounts/${account}/credits`, g)).status).toBe(201);
    return { account, meter };
  }
  const hold = (account: string, meter: string, quantity: number) =>
    tally.admin.post('/v1/reservations', holdEvent({ id: 'job', subject: account, meter, quantity, ttlSeconds: 120 }));
  const credits = async (account: string) => (await tally.admin.get(`/v1/accounts/${account}/credits`)).body;
  const grants = async (account: string) =>
    ((await tally.admin.get(`/v1/accounts/${account}/credits/grants`)).body as Array<Record<string, unknown>>).map(
      ({ id, remaining, held, status }) => ({ id, remaining, held, status }),
    );
  const ledger = async (account: string) =>
    (await finance.get(`/v1/credits/ledger?month=${new Date().toISOString().slice(0, 7)}&account=${account}`)).body as Row[];

  it('earmarks a hold on the grants it would burn; a grant expiring under it keeps that part for the commit', async () => {
    // Far enough ahead for the hold, the usage and the read models to come first on a loaded machine.
    const expiresAt = inSeconds(12);
    const { account, meter } = await accountWith({ id: 'promo', amount: 10, priority: 1, expiresAt }, { id: 'paid', amount: 5 });
    expect((await hold(account, meter, 8)).body).toMatchObject({ decision: 'accepted', creditsHeld: 8 });
    const spent = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    expect(spent.body).toMatchObject({ decision: 'accepted' });
    await eventually(async () => {
      expect(await grants(account)).toEqual([
        { id: 'promo', remaining: 9, held: 8, status: 'live' },
        { id: 'paid', remaining: 5, held: 0, status: 'live' },
      ]);
      expect(await credits(account)).toMatchObject({ balance: 14, held: 8 });
    });
    await sleepUntil(expiresAt);
    // Before any decision records it: the free credit of promo expired, the 8 earmarked stay for the hold.
    expect(await credits(account)).toMatchObject({ balance: 13, held: 8, expired: 1 });
    expect((await grants(account))[0]).toEqual({ id: 'promo', remaining: 8, held: 8, status: 'expired' });
    const committed = await tally.admin.post('/v1/reservations/commit', { source: 'test-service', id: 'job', quantity: 6 });
    expect([committed.status, committed.body.quantity]).toEqual([200, 6]);
    // Paid in full (spent 1 + 6); what it did not use of promo leaves at the commit; the ledger sums to the balance.
    await eventually(async () => {
      expect(await credits(account)).toMatchObject({ balance: 5, held: 0, expired: 3, spent: 7 });
      const rows = await ledger(account);
      expect(rows.filter((r) => r.kind === 'expired').map((r) => r.amount)).toEqual([-1, -2]);
      expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(5);
    });
  });

  it('voids what a hold did not earmark; the rest is voided when the hold is released', async () => {
    const { account, meter } = await accountWith({ id: 'oops', amount: 10 });
    expect((await hold(account, meter, 6)).status).toBe(201);
    const voided = await tally.admin.post(`/v1/accounts/${account}/credits/grants/oops/void`, {});
    expect([voided.status, voided.body]).toEqual([200, expect.objectContaining({ remaining: 6, held: 6, status: 'voided' })]);
    const over = await tally.admin.post('/v1/usage', usageEvent({ subject: account, meter, quantity: 1 }));
    expect([over.status, over.body.reason]).toEqual([402, 'INSUFFICIENT_CREDITS']);
    // Release finds the hold's account in the reservations read model, once it has caught up.
    await eventually(async () =>
      expect((await tally.admin.post('/v1/reservations/release', { source: 'test-service', id: 'job' })).status).toBe(200),
    );
    await eventually(async () => {
      expect(await credits(account)).toMatchObject({ balance: 0, held: 0, voided: 10 });
      expect((await ledger(account)).map((r) => [r.kind, r.amount])).toEqual([
        ['granted', 10],
        ['voided', -4],
        ['voided', -6],
      ]);
    });
  });
});
