import { useState } from 'preact/hooks';
import type { UsageLine } from '../../api';
import { BarChart } from '../../components/bar-chart';
import { SPAN, toSeries, type Granularity } from '../../components/series';

interface Props {
  granularity: Granularity;
  onGranularity: (granularity: Granularity) => void;
  /** The chart's periods (months or UTC days), oldest first. */
  periods: string[];
  perMeter: UsageLine[];
  perSubject: UsageLine[];
}

/** A day on the time axis: its month and day (the table below the chart gives the year too). */
const dayLabel = (day: string) => day.slice(5);

/** Units per meter and per subject of one meter, by month or by day: the switch chooses. */
export function UsageCharts({ granularity, onGranularity, periods, perMeter, perSubject }: Props) {
  const [meter, setMeter] = useState<string>('');
  const meters = [...new Set(perMeter.map((l) => l.meter))].sort();
  const chosen = meters.includes(meter) ? meter : (meters[0] ?? '');
  const label = granularity === 'day' ? dayLabel : undefined;
  const span = granularity === 'day' ? `last ${SPAN.day} days, UTC` : `last ${SPAN.month} months`;
  return (
    <>
      <div class="inline">
        <label for="usage-granularity">Chart by</label>
        <select id="usage-granularity" value={granularity} onChange={(e) => onGranularity(e.currentTarget.value as Granularity)}>
          <option value="month">month (last {SPAN.month} months)</option>
          <option value="day">day (last {SPAN.day} days, UTC)</option>
        </select>
      </div>
      <BarChart
        title={`Units per meter (${span})`}
        periods={periods}
        label={label}
        series={toSeries(perMeter, periods, (l) => l.meter)}
      />
      {meters.length > 0 && (
        <>
          <div class="inline">
            <label for="subject-meter">Units per subject for meter</label>
            <select id="subject-meter" value={chosen} onChange={(e) => setMeter(e.currentTarget.value)}>
              {meters.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </div>
          <BarChart
            title={`Units per subject (${chosen}, ${span})`}
            periods={periods}
            label={label}
            series={toSeries(
              perSubject.filter((l) => l.meter === chosen),
              periods,
              (l) => l.subject ?? '',
            )}
          />
        </>
      )}
    </>
  );
}
