/** One series (a meter or a subject) of monthly values. */
export interface Series {
  name: string;
  values: number[];
}

/** Groups monthly lines into series by a key (meter or subject), one value per month. */
export function toSeries<T extends { month: string; units: number }>(
  lines: T[],
  months: string[],
  key: (line: T) => string,
): Series[] {
  const byName = new Map<string, number[]>();
  for (const line of lines) {
    const values = byName.get(key(line)) ?? months.map(() => 0);
    const index = months.indexOf(line.month);
    if (index >= 0) values[index] += line.units;
    byName.set(key(line), values);
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values }));
}
