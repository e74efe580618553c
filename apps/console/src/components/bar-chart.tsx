import { units } from '../format';
import type { Series } from './series';

const COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
const [WIDTH, HEIGHT, LEFT, BOTTOM, TOP] = [720, 220, 56, 28, 12];

/**
 * A grouped bar chart drawn as SVG, with the same numbers in a table beneath it: the table is
 * what screen readers and keyboard users read, the picture is for the eye.
 */
export function BarChart({ title, months, series }: { title: string; months: string[]; series: Series[] }) {
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  if (series.length === 0) return <p class="muted">No usage in these months.</p>;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const group = (WIDTH - LEFT) / months.length;
  const bar = Math.max(2, (group * 0.8) / series.length);
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight;
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}: bar chart, the table below gives its numbers`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={LEFT} x2={WIDTH} y1={y(max * f)} y2={y(max * f)} class="grid" />
            <text x={LEFT - 6} y={y(max * f) + 4} text-anchor="end" class="axis">
              {units(Math.round(max * f))}
            </text>
          </g>
        ))}
        {months.map((month, m) => (
          <g key={month}>
            {series.map((s, i) => (
              <rect
                key={s.name}
                x={LEFT + m * group + group * 0.1 + i * bar}
                y={y(s.values[m])}
                width={bar - 1}
                height={Math.max(0, TOP + plotHeight - y(s.values[m]))}
                fill={COLOURS[i % COLOURS.length]}
                data-series={s.name}
                data-month={month}
                data-value={s.values[m]}
              >
                <title>{`${s.name}, ${month}: ${units(s.values[m])}`}</title>
              </rect>
            ))}
            <text x={LEFT + m * group + group / 2} y={HEIGHT - 8} text-anchor="middle" class="axis">
              {month}
            </text>
          </g>
        ))}
      </svg>
      <ul class="legend" aria-hidden="true">
        {series.map((s, i) => (
          <li key={s.name}>
            <span class="swatch" style={{ background: COLOURS[i % COLOURS.length] }} />
            {s.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>Numbers</summary>
        <table>
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Series</th>
              {months.map((m) => (
                <th scope="col" key={m}>
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                {s.values.map((v, i) => (
                  <td key={months[i]} class="num">
                    {units(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
