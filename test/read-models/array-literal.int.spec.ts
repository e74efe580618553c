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
    expect(await textRoundTrip([null])).toEqual([null]);
    expect(await textRoundTrip([null, 'null', 'Null', null])).toEqual([null, 'null', 'Null', null]);
  });

  // The literal is JSON's text when JSON escaped nothing, and built value by value otherwise: keys
  // that JSON writes with a backslash (control characters among them, which a literal keeps as
  // they are) and keys it writes as they are (any other character) both read back as given.
  it('reads keys holding control characters, and others beside quotes, back as they were', async () => {
    const keys = ['line\nbreak', 'tab\there', '\u0001\u001f', 'q"uote', null, '\u2028 \u00e9 \ud83d\ude00'];
    expect(await textRoundTrip(keys)).toEqual(keys);
    const plain = ['\u2028', '\u00e9t\u00e9', '\ud83d\ude00', '[1]', 'a b', null, "it's"];
    expect(await textRoundTrip(plain)).toEqual(plain);
  });

  it('reads numbers into a bigint array, negative and beyond 32 bits', async () => {
    const { rows } = await db.query<{ v: string[] }>('select $1::bigint[]::text[] as v', [arrayLiteral([0, -3, 2 ** 40, 17])]);
    expect(rows[0].v).toEqual(['0', '-3', String(2 ** 40), '17']);
  });

  it('reads null among numbers as SQL NULL, and -0 as 0', async () => {
    const { rows } = await db.query<{ v: Array<string | null> }>('select $1::bigint[]::text[] as v', [
      arrayLiteral([1, null, -0, -2]),
    ]);
    expect(rows[0].v).toEqual(['1', null, '0', '-2']);
  });
});
