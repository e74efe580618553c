import type { TallyEvent } from '@tally/events';
import { decision } from '../testing/events';
import { rowsOf } from '../testing/rows-of';
import { reservations } from './projection';

const held = (id: string, quantity: number): TallyEvent => ({
  type: 'UsageHeld',
  data: { ...decision({ id, quantity }), creditsHeld: quantity * 2, expiresAt: '2026-11-05T00:05:00.000Z' },
});
const ended = (id: string, committed: number | null): TallyEvent => {
  const { account, source, subject, meter, month } = decision();
  const data = {
    account,
    source,
    id,
    subject,
    meter,
    month,
    quantity: 4,
    creditsHeld: 8,
    committed,
    at: '2026-11-05T00:01:00.000Z',
  };
  return { type: 'HoldReleased', data };
};

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
