import { mergedPages, type PlacedRow } from './due-rows';

const row = (account: string, at: string, stream: string, seq = 0): PlacedRow => ({
  ...{ account, at, kind: 'expired', grant: 'g', amount: -1 },
  position: { account, at, stream, revision: stream === '' ? '0' : '7', seq },
});

async function* pages(...list: PlacedRow[][]) {
  yield* list;
}
async function* rows(...list: PlacedRow[]) {
  yield* list;
}
async function all(source: AsyncIterable<PlacedRow[]>): Promise<PlacedRow[][]> {
  const out: PlacedRow[][] = [];
  for await (const page of source) out.push(page);
  return out;
}

describe('the ledger with the movements due but not recorded', () => {
  const recorded = [row('a', '2026-11-02', 's'), row('b', '2026-11-01', 's'), row('b', '2026-11-03', 's')];
  // Due rows of an account sort among its recorded ones by time, before a recorded row of the same instant.
  const due = [row('a', '2026-11-05', ''), row('b', '2026-11-03', ''), row('c', '2026-11-01', '')];

  it('merges both in ledger order (account by bytes, then time), in pages', async () => {
    const merged = (await all(mergedPages(pages(recorded.slice(0, 2), recorded.slice(2)), rows(...due), 2, Infinity))).flat();
    expect(merged.map((r) => [r.account, r.at, r.position.stream])).toEqual([
      ['a', '2026-11-02', 's'],
      ['a', '2026-11-05', ''],
      ['b', '2026-11-01', 's'],
      ['b', '2026-11-03', ''],
      ['b', '2026-11-03', 's'],
      ['c', '2026-11-01', ''],
    ]);
  });

  it('stops after `limit` rows', async () => {
    const merged = (await all(mergedPages(pages(recorded), rows(...due), 10, 3))).flat();
    expect(merged.map((r) => [r.account, r.at])).toEqual([
      ['a', '2026-11-02'],
      ['a', '2026-11-05'],
      ['b', '2026-11-01'],
    ]);
  });
});
