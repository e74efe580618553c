import fc from 'fast-check';

/** Names that are members of Object.prototype, or look like something a lookup might trip on. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', 'total'];

/** A few names the server accepts, so requests reach handlers and state builds up between cases. */
export const NAMES = ['acme', 'geocoding', 'ocr', 'alice', 'toString', 'constructor', 'valueOf', 'hasOwnProperty'];

/** Text with control characters, lone surrogates, NUL, long runs and ordinary Unicode. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x\ud800y',
    '\u0007',
    '\u007f',
    '\u0085',
    '\n',
    '',
    ' ',
    '🐢',
    'żółw',
  ),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom('a'.repeat(257), 'a/b', '../x', '%00', '2026-02-30T10:00:00Z', '2026-13', '1e3', '0x10'),
);

/** Numbers at and past every boundary Tally checks. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, 1e12, 1e12 + 1, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased towards the hostile leaves above. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...PROTOTYPE_NAMES)), tie('value'), { maxKeys: 4 }),
  ),
})).value;
