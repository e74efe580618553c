import { units } from '../format';
import type { Series } from './series';

const COLOURS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2', '#65a30d', '#dc2626'];
// RIGHT leaves room for the last period's label, centred under its bars.
const [WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, TOP] = [720, 220, 56, 16, 28, 12];

/** At most this many labels on the time axis: with more periods (30 days), every n-th is named. */
const MAX_LABELS = 12;

interface Props {
  title: string;
  /** The periods (months or days) on the time axis, oldest first; each series has one value per period. */
  periods: string[];
  series: Series[];
  /** How the time axis names a period (the table always gives it in full). */
  label?: (period: string) => string;
}

/**
 * A grouped bar chart drawn as SVG, with the same numbers in a table beneath it: the table is
 * what screen readers and keyboard users read, the picture is for the eye.
 */
export function BarChart({ title, periods, series, label = (p) => p }: Props) {
  const id = `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  if (series.length === 0) return <p class="muted">No usage in this time.</p>;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const group = (WIDTH - LEFT - RIGHT) / periods.length;
  // Name the last period (the current one) and every n-th before it.
  const every = Math.ceil(periods.length / MAX_LABELS);
  const bar = Math.max(2, (group * 0.8) / series.length);
  const y = (v: number) => TOP + plotHeight - (v / max) * plotHeight;
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${title}: bar chart, the table below gives its numbers`}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={LEFT} x2={WIDTH - RIGHT} y1={y(max * f)} y2={y(max * f)} class="grid" />
            <text x={LEFT - 6} y={y(max * f) + 4} text-anchor="end" class="axis">
              {units(Math.round(max * f))}
            </text>
          </g>
        ))}
        {periods.map((period, m) => (
          <g key={period}>
            {series.map((s, i) => (
              <rect
                key={s.name}
                x={LEFT + m * group + group * 0.1 + i * bar}
                y={y(s.values[m])}
                width={bar - 1}
                height={Math.max(0, TOP + plotHeight - y(s.values[m]))}
                fill={COLOURS[i % COLOURS.length]}
                data-series={s.name}
                data-period={period}
                data-value={s.values[m]}
              >
                <title>{`${s.name}, ${period}: ${units(s.values[m])}`}</title>
              </rect>
            ))}
            {(periods.length - 1 - m) % every === 0 && (
              <text x={LEFT + m * group + group / 2} y={HEIGHT - 8} text-anchor="middle" class="axis">
                {label(period)}
              </text>
            )}
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
              {periods.map((p) => (
                <th scope="col" key={p}>
                  {p}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={s.name}>
                <th scope="row">{s.name}</th>
                {s.values.map((v, i) => (
                  <td key={periods[i]} class="num">
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
