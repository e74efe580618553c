import { startTally, unique, type Backend, type Client, type RunningTally } from './tally';

/** A Tally on `backend`, and a client of it holding a new finance key (the ledger's reader). */
export async function startWithFinance(backend: Backend): Promise<{ tally: RunningTally; finance: Client }> {
  const tally = await startTally(backend);
  try {
    const key = await tally.admin.post('/v1/api-keys', { name: 'finance', role: 'finance' });
    return { tally, finance: tally.admin.as(key.body.token) };
  } catch (error) {
    await tally.destroy();
    throw error;
  }
}

/** A fresh account, and a meter costing `price` credits a unit. */
export async function pricedAccount(tally: RunningTally, price = 1): Promise<{ account: string; meter: string }> {
  const [account, meter] = [unique('a'), unique('m')];
  expect((await tally.admin.put(`/v1/meters/${meter}`, { creditsPerUnit: price })).status).toBe(200);
  return { account, meter };
}
