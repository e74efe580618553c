import type { CountedItem } from '@tally/events';
import { TOTAL } from './periods';
import type { UsageCounts } from './tree';
import { addCounted, addCountedLines, countsFrom, countsToCarry, type Counted } from './tree-counts';

const where = (line: CountedItem): Counted =>
  line.period === undefined ? { month: '2026-11' } : { month: '2026-11', period: line.period };

/** What counting each line in turn with {@link addCounted} gives (a copy per line). */
const lineByLine = (usage: UsageCounts, lines: CountedItem[], sign: 1 | -1): UsageCounts =>
  lines.reduce((sum, line) => addCounted(sum, line.meter, where(line), sign * line.quantity), usage);

/** Counts as JSON, key order included (what a snapshot or a carried period writes). */
const text = (usage: UsageCounts) => JSON.stringify(countsToCarry(usage));

describe('counting the lines of one decision', () => {
  const before = countsFrom({ ocr: { '2026-11': 4, [TOTAL]: 9 }, geo: { [TOTAL]: 1 } });
  const cases: Array<[string, CountedItem[]]> = [
    ['one line', [{ meter: 'geo', quantity: 2 }]],
    [
      'two meters',
      [
        { meter: 'geo', quantity: 2 },
        { meter: 'new', quantity: 5, period: '2026-11-07' },
      ],
    ],
    [
      'one meter twice, and a period',
      [
        { meter: 'ocr', quantity: 3 },
        { meter: 'ocr', quantity: 4, period: 'P1' },
        { meter: 'geo', quantity: 1 },
      ],
    ],
  ];

  it.each(cases)('counts %s as counting them line by line does, keys in the same order, both ways', (_, lines) => {
    for (const sign of [1, -1] as const) {
      const counted = addCountedLines(before, lines, where, sign);
      expect(text(counted)).toBe(text(lineByLine(before, lines, sign)));
    }
  });

  it('leaves the counts it was given as they were', () => {
    const was = text(before);
    const ocr = before.get('ocr');
    addCountedLines(before, cases[2][1], where, 1);
    addCountedLines(before, cases[0][1], where, -1);
    expect(text(before)).toBe(was);
    expect(before.get('ocr')).toBe(ocr);
  });
});
