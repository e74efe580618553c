import { useState } from 'preact/hooks';
import { call, seg, type UsageLine } from '../../api';
import { SPAN, toSeries, usageWindow, type Granularity } from '../../components/series';
import { ErrorNote, Section } from '../../components/feedback';
import { useApi } from '../../components/use-api';
import { units } from '../../format';
import { SubjectForm } from './subject-form';
import { UsageCharts } from './usage-charts';

const MONTHS = SPAN.month;

/**
 * Use over the last months (or, switched, the last days), per meter and per subject, and the
 * subjects seen. The subjects table is always monthly; the daily lines are read only when shown.
 */
export function UsageSection({ account, admin, version }: { account: string; admin: boolean; version: number }) {
  const [granularity, setGranularity] = useState<Granularity>('month');
  const monthly = usageWindow('month');
  const daily = usageWindow('day');
  const read = async (query: string) => {
    const base = `/v1/accounts/${seg(account)}/usage?${query}`;
    const [perMeter, perSubject] = await Promise.all([
      call<UsageLine[]>('GET', base),
      call<UsageLine[]>('GET', `${base}&groupBy=subject`),
    ]);
    return { perMeter, perSubject };
  };
  const months = useApi(() => read(monthly.query), [account, version, monthly.query]);
  const days = useApi(
    () => (granularity === 'day' ? read(daily.query) : Promise.resolve(null)),
    [account, version, granularity, daily.query],
  );

  const shown = granularity === 'day' ? { window: daily, usage: days } : { window: monthly, usage: months };
  // There is no list-subjects route: the subjects shown are those whose usage this account paid.
  const subjects = toSeries(months.data?.perSubject ?? [], monthly.periods, (l) => l.subject ?? '').map((s) => ({
    subject: s.name,
    thisMonth: s.values[s.values.length - 1],
    total: s.values.reduce((a, b) => a + b, 0),
  }));

  return (
    <Section title="Usage">
      <ErrorNote error={shown.usage.error ?? months.error} />
      <UsageCharts
        granularity={granularity}
        onGranularity={setGranularity}
        periods={shown.window.periods}
        perMeter={shown.usage.data?.perMeter ?? []}
        perSubject={shown.usage.data?.perSubject ?? []}
      />
      <h3>Subjects</h3>
      <p class="muted">Subjects whose usage this account paid for in the last {MONTHS} months (all meters).</p>
      <table>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col" class="num">
              Units this month
            </th>
            <th scope="col" class="num">
              Units in {MONTHS} months
            </th>
          </tr>
        </thead>
        <tbody>
          {subjects.map((s) => (
            <tr key={s.subject}>
              <th scope="row">{s.subject}</th>
              <td class="num">{units(s.thisMonth)}</td>
              <td class="num">{units(s.total)}</td>
            </tr>
          ))}
          {subjects.length === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                None yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {admin && <SubjectForm account={account} />}
    </Section>
  );
}
