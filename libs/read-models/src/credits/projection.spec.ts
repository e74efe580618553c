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
});
