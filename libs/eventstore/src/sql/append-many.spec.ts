import type { StreamAppend } from '../event-store';
import { appendManyOnce, revisionCheck } from './append-many';
import type { SqlQueryable } from './sql-client';

/** A client that keeps the group statement's parameter and answers every part as written. */
function recording(): SqlQueryable & { params: unknown[] } {
  const params: unknown[] = [];
  return {
    params,
    async query<R>(_sql: string, values?: unknown[]) {
      params.push(values?.[0]);
      const group = JSON.parse(values?.[0] as string) as { p: unknown[] };
      const rows = group.p.map((_, part) => ({
        part,
        revision: '-1',
        last_revision: '0',
        last_position: String(part + 1),
        transaction_id: '7',
        taken: false,
        ok: true,
      }));
      return { rows: rows as R[] };
    },
  };
}

describe('the group statement’s parameter', () => {
  it('is byte for byte JSON.stringify of the group, whether an event’s data came with its text (StoredEvent.json) or not', async () => {
    const decided = { account: 'a', id: 'é"\\\u2028\u0000', lines: [{ meter: 'm', quantity: 2 }], limit: null, at: 1.5 };
    const appends: StreamAppend[] = [
      {
        stream: 'account-b-2026-12',
        events: [
          { type: 'UsageAccepted.v1', data: decided, json: JSON.stringify(decided) },
          { type: 'AlertRaised.v1', data: { account: 'b', level: 'ü\t', nested: { list: [1, 'x', null, true] } } },
        ],
        expected: 4n,
        claims: [{ event: 0, account: 'b', source: 's', id: 'é"\\\u2028\u0000', kind: 'usage', at: '2026-12-08T00:00:00.000Z' }],
      },
      {
        stream: 'account-a-root',
        events: [{ type: 'AccountOpened.v1', data: { account: 'a' } }],
        expected: 'no_stream',
        atomic: 'u',
      },
      { stream: 'account-c', events: [], expected: 'any' },
    ];
    const db = recording();
    const outcomes = await appendManyOnce(db, appends);
    // The parameter as it was made before the data's texts were shared: the whole group stringified.
    const order = [1, 0, 2];
    const group = { p: [] as unknown[], e: [] as unknown[], c: [] as unknown[] };
    order.forEach((index, part) => {
      const { stream, expected, events, claims = [], atomic } = appends[index];
      group.p.push([stream, revisionCheck(expected), atomic ?? null]);
      events.forEach((event, i) => group.e.push([part, i + 1, event.type, event.data]));
      for (const k of claims) group.c.push([part, k.event + 1, k.account, k.source, k.id, k.kind, k.at]);
    });
    expect(db.params).toEqual([JSON.stringify(group)]);
    expect(outcomes).toEqual(appends.map(() => expect.objectContaining({ ok: true })));
  });
});
