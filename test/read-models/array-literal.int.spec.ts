import type { SqlClient } from '@tally/eventstore';
import { arrayLiteral } from '@tally/read-models';
import { sqlBackends } from '../support/databases';

// The projections send their keys and counts as array literals they build themselves (one join
// per column instead of the driver's escaping per element): the database must read back exactly
// the values given, whatever characters a key holds.
describe.each(sqlBackends())('array literals of the projections (%s)', (_name, open) => {
  let db: SqlClient;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ db, close } = await open());
  });
  afterAll(() => close());

  const textRoundTrip = async (values: Array<string | null>) => {
    const { rows } = await db.query<{ v: Array<string | null> }>('select $1::text[] as v', [arrayLiteral(values)]);
    return rows[0].v;
  };

  it('reads plain keys back as they were', async () => {
    const keys = ['acct-00001', 'catchup', 'u-1', '', ' spaced ', 'ünïcødé ✓', '2026-12'];
    expect(await textRoundTrip(keys)).toEqual(keys);
  });

  it('reads keys holding quotes, backslashes, commas, braces and the word NULL back as text', async () => {
    const keys = ['a"b', 'c\\d', 'e,f', '{g}', 'NULL', 'null', '\\"', 'end\\'];
    expect(await textRoundTrip(keys)).toEqual(keys);
  });

  it('reads an empty list as an empty array, and null as SQL NULL', async () => {
    expect(await textRoundTrip([])).toEqual([]);
    expect(await textRoundTrip(['x', null, 'NULL'])).toEqual(['x', null, 'NULL']);
  });

  it('reads numbers into a bigint array, negative and beyond 32 bits', async () => {
    const { rows } = await db.query<{ v: string[] }>('select $1::bigint[]::text[] as v', [arrayLiteral([0, -3, 2 ** 40, 17])]);
    expect(rows[0].v).toEqual(['0', '-3', String(2 ** 40), '17']);
  });
});
