import { accepted, granted, periodOpened, reversed } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { credits } from './projection';

describe('credits projection', () => {
  it('opens an empty wallet with the first period, even before any credit', () => {
    expect(rowsOf(credits, [periodOpened('new')])).toEqual({ new: { balance: 0, granted: 0, spent: 0 } });
  });

  it('adds grants, subtracts charges and gives refunds back', () => {
    const events = [periodOpened(), granted(100), accepted({ id: 'a' }, 30), accepted({ id: 'b' }, 5), reversed({ id: 'a' }, 30)];
    expect(rowsOf(credits, events)).toEqual({ acme: { balance: 95, granted: 100, spent: 5 } });
  });

  it('charges and refunds a tree member’s usage to the root that pays it', () => {
    const charged = accepted({ id: 'c', account: 'team', payer: 'acme' }, 4);
    const refunded = { ...reversed({ id: 'c', account: 'team' }, 4) } as ReturnType<typeof reversed>;
    (refunded.data as { payer?: string }).payer = 'acme';
    const events = [
      periodOpened(),
      periodOpened('team'),
      granted(10),
      charged,
      accepted({ id: 'd', account: 'team', payer: 'acme' }, 3),
      refunded,
    ];
    expect(rowsOf(credits, events)).toEqual({
      acme: { balance: 7, granted: 10, spent: 3 },
      team: { balance: 0, granted: 0, spent: 0 },
    });
  });
});
