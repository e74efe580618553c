import { ended, held } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { reservations } from './projection';

describe('reservations projection', () => {
  it('keeps each hold with its expiry, and marks how it ended', () => {
    expect(rowsOf(reservations, [held('h1', 4), held('h2', 3), held('h3', 1), ended('h1', 2), ended('h2', null)])).toEqual({
      'acme|svc|h1': expect.objectContaining({ quantity: 4, creditsHeld: 8, ended: 'committed' }),
      'acme|svc|h2': expect.objectContaining({ quantity: 3, ended: 'released' }),
      'acme|svc|h3': expect.objectContaining({
        quantity: 1,
        month: '2026-11',
        expiresAt: '2026-11-05T00:05:00.000Z',
        ended: null,
      }),
    });
  });

  it('ignores the end of a hold it never saw', () => {
    expect(rowsOf(reservations, [ended('h9', null)])).toEqual({});
  });
});
