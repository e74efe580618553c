import { jsonBoundsProblem, MAX_JSON_DEPTH, MAX_JSON_ITEMS, MAX_JSON_MEMBERS, MAX_PATH_LENGTH } from './json-body';

const members = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { a: 1, b: [1, 2] }]));

describe('the scan of a body before JSON.parse', () => {
  it('passes bodies within the bounds, strings that look like structure included', () => {
    expect(jsonBoundsProblem(JSON.stringify(members(MAX_JSON_MEMBERS)))).toBeNull();
    expect(jsonBoundsProblem(JSON.stringify({ a: '{{{[[[:::,,,\\"' }))).toBeNull();
    expect(jsonBoundsProblem(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)).toBeNull();
  });

  it('finds nesting past the bound, naming the first value too deep by its path', () => {
    expect(jsonBoundsProblem(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`)).toEqual({
      tooDeep: true,
      field: '[0]'.repeat(MAX_JSON_DEPTH),
    });
    const nested = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    expect(jsonBoundsProblem(`[{}, {"id": "x", "data": {"meta": ${nested}}}]`)).toEqual({
      tooDeep: true,
      field: `[1].data.meta${'.a'.repeat(MAX_JSON_DEPTH - 3)}`,
    });
  });

  it('finds nesting past the bound in malformed JSON too, an object with no key adding nothing to the path', () => {
    expect(jsonBoundsProblem(`{${'['.repeat(MAX_JSON_DEPTH)}`)).toEqual({
      tooDeep: true,
      field: '[0]'.repeat(MAX_JSON_DEPTH - 1),
    });
    expect(jsonBoundsProblem(`[{${'['.repeat(MAX_JSON_DEPTH)}`)).toEqual({
      tooDeep: true,
      field: '[0]'.repeat(MAX_JSON_DEPTH - 1),
    });
  });

  it('cuts a path at its bound, never inside a surrogate pair', () => {
    const deep = (key: string) => `{"${key}": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(jsonBoundsProblem(deep('k'.repeat(100_000)))).toEqual({ tooDeep: true, field: `${'k'.repeat(MAX_PATH_LENGTH)}…` });
    const emoji = '\u{1F600}';
    const cut = jsonBoundsProblem(deep(`k${emoji.repeat(200)}`));
    expect(cut).toEqual({ tooDeep: true, field: `k${emoji.repeat((MAX_PATH_LENGTH - 2) / 2)}…` });
    expect(jsonBoundsProblem(JSON.stringify({ ['w'.repeat(500)]: members(100) }))).toEqual({
      field: `${'w'.repeat(MAX_PATH_LENGTH)}…`,
      members: 100,
    });
  });

  it('names the object with too many members by its path, and counts them all', () => {
    expect(jsonBoundsProblem(JSON.stringify(members(80_000)))).toEqual({ field: '', members: 80_000 });
    const batch = [{ a: 1 }, { b: 2, 'd\\"x': { data: members(100) } }];
    expect(jsonBoundsProblem(JSON.stringify(batch))).toEqual({ field: '[1].d\\"x.data', members: 100 });
  });

  it('names an array inside the body with too many items by its path, and counts them all; the body itself may be longer', () => {
    const items = (n: number) => Array.from({ length: n }, () => ({}));
    expect(jsonBoundsProblem(JSON.stringify({ data: { items: items(MAX_JSON_ITEMS) } }))).toBeNull();
    expect(jsonBoundsProblem(JSON.stringify({ data: { items: items(30_000) } }))).toEqual({
      field: 'data.items',
      members: 30_000,
      array: true,
    });
    expect(jsonBoundsProblem(JSON.stringify([{}, { alertAt: Array.from({ length: 65 }, (_, i) => i) }]))).toEqual({
      field: '[1].alertAt',
      members: 65,
      array: true,
    });
    expect(jsonBoundsProblem(JSON.stringify(items(1000)))).toBeNull();
  });
});
