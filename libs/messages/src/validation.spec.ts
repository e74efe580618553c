import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull } from './field-rules';
import { parseUsageMessage } from './usage-contract';
import { boundFieldErrors, MAX_ARRAY_ITEMS, MAX_FIELD_ERRORS, MAX_OBJECT_MEMBERS, validateAs } from './validation';
import { validUsage } from './testing/usage-event';

class Inner {
  @IsInt()
  n!: number;
}

class Outer {
  @IsString()
  name!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

class Bounded {
  @OptionalNotNull()
  @IsInt({ message: 'units must be an integer' })
  @Min(1, { message: 'units must be at least 1' })
  @Max(10, { message: 'units must be at most 10' })
  units?: number;
}

const valid = validUsage;

const keys = (n: number, prefix = 'K') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 1]));

/** The fastest of `runs` timings of `work`, in ms (the fastest is the least disturbed by the machine). */
function fastest(work: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('validation is bounded in the size of the input', () => {
  it('names at most 20 unknown fields and counts the rest in one last entry', () => {
    const result = validateAs(Outer, { name: 'x', ...keys(50) });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(errors[0]).toEqual({ field: 'K0', reason: 'unknown field' });
    expect(errors[MAX_FIELD_ERRORS]).toEqual({ field: '', reason: '30 more errors' });
  });

  it('refuses an object wider than any contract without walking it, naming it and counting its members', () => {
    const result = parseUsageMessage({ ...valid, data: { ...valid.data, ...keys(1000) } }, '[3]');
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: '[3].data', reason: `an object may have at most ${MAX_OBJECT_MEMBERS} members; this one has 1002, 938 more` },
      ],
    });
  });

  it('refuses an array longer than any contract allows without validating its items, naming it and counting them', () => {
    const items = Array.from({ length: 30_000 }, () => ({}));
    expect(parseUsageMessage({ ...valid, data: { items } }, '[3]')).toEqual({
      ok: false,
      errors: [
        { field: '[3].data.items', reason: `an array may hold at most ${MAX_ARRAY_ITEMS} items; this one has 30000, 29936 more` },
      ],
    });
  });

  it('still names what else is wrong beside unknown fields, nested contracts included', () => {
    const result = validateAs(Outer, { name: 1, extra: true, inner: { n: 'x', deep: 1 } });
    expect(result.ok ? [] : result.errors).toEqual(
      expect.arrayContaining([
        { field: 'extra', reason: 'unknown field' },
        { field: 'inner.deep', reason: 'unknown field' },
        expect.objectContaining({ field: 'name' }),
        expect.objectContaining({ field: 'inner.n' }),
      ]),
    );
  });

  it('tells a value of the wrong type its type alone, not every bound it cannot meet', () => {
    const errors = (input: unknown) => {
      const result = validateAs(Bounded, input);
      return result.ok ? [] : result.errors;
    };
    for (const units of ['5', true, [5]]) {
      expect(errors({ units })).toEqual([{ field: 'units', reason: 'units must be an integer' }]);
    }
    expect(errors({ units: null })).toEqual([{ field: 'units', reason: 'units must not be null' }]);
    expect(errors({ units: 0 })).toEqual([{ field: 'units', reason: 'units must be at least 1' }]);
    expect(errors({ units: 0.5 })).toEqual([{ field: 'units', reason: 'units must be an integer' }]);
    expect(errors({ units: 11 })).toEqual([{ field: 'units', reason: 'units must be at most 10' }]);
  });

  it('accepts a valid input unchanged', () => {
    const result = validateAs(Outer, { name: 'x', inner: { n: 1 } });
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: 'x', inner: { n: 1 } }) });
    expect(result.ok && result.value.inner).toBeInstanceOf(Inner);
  });

  it('keeps the count when a bounded list is bounded again with more errors', () => {
    const first = boundFieldErrors(Array.from({ length: 25 }, (_, i) => ({ field: `a${i}`, reason: 'bad' })));
    const again = boundFieldErrors([...first, { field: 'b', reason: 'bad' }]);
    expect(again).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(again[MAX_FIELD_ERRORS].reason).toBe('6 more errors');
  });

  // class-transformer's quadratic work took 2.1–2.6 s for 80,000 unknown keys (over HTTP): about
  // a hundred times what parsing them takes. Linear work takes a few times that, whatever the
  // machine's speed or load, which both timings share.
  it.each([
    ['a usage event', (extra: object) => ({ ...valid, ...extra }), parseUsageMessage],
    ['a usage event’s data', (extra: object) => ({ ...valid, data: { ...valid.data, ...extra } }), parseUsageMessage],
    ['a contract', (extra: object) => ({ name: 'x', ...extra }), (input: unknown) => validateAs(Outer, input)],
    [
      'a nested contract',
      (extra: object) => ({ name: 'x', inner: { n: 1, ...extra } }),
      (input: unknown) => validateAs(Outer, input),
    ],
  ])('refuses 80,000 unknown keys of %s in time linear in them, with at most 21 errors', (_, build, validate) => {
    const text = JSON.stringify(build(keys(80_000)));
    const input = JSON.parse(text) as unknown;
    const result = validate(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.length).toBeLessThanOrEqual(MAX_FIELD_ERRORS + 1);
    const parseMs = fastest(() => JSON.parse(text));
    const validateMs = fastest(() => validate(input));
    expect(validateMs).toBeLessThan(parseMs * 10);
  });
});
