import { useState } from 'preact/hooks';
import { call, seg, type UsageLine } from '../../api';
import { BarChart } from '../../components/bar-chart';
import { toSeries } from '../../components/series';
import { ErrorNote, Section } from '../../components/feedback';
import { useApi } from '../../components/use-api';
import { addMonths, currentMonth, monthsBetween, units } from '../../format';
import { SubjectForm } from './subject-form';

const MONTHS = 6;

/** Monthly use over the last months, per meter and per subject, and the subjects seen. */
export function UsageSection({ account, admin, version }: { account: string; admin: boolean; version: number }) {
  const to = currentMonth();
  const from = addMonths(to, -(MONTHS - 1));
  const months = monthsBetween(from, to);
  const usage = useApi(async () => {
    const base = `/v1/accounts/${seg(account)}/usage?from=${from}&to=${to}`;
    const [perMeter, perSubject] = await Promise.all([
      call<UsageLine[]>('GET', base),
      call<UsageLine[]>('GET', `${base}&groupBy=subject`),
    ]);
    return { perMeter, perSubject };
  }, [account, version, from]);
  const [meter, setMeter] = useState<string>('');

  const perMeter = usage.data?.perMeter ?? [];
  const perSubject = usage.data?.perSubject ?? [];
  const meters = [...new Set(perMeter.map((l) => l.meter))].sort();
  const chosen = meters.includes(meter) ? meter : (meters[0] ?? '');
  // There is no list-subjects route: the subjects shown are those whose usage this account paid.
  const subjects = toSeries(perSubject, months, (l) => l.subject ?? '').map((s) => ({
    subject: s.name,
    thisMonth: s.values[s.values.length - 1],
    total: s.values.reduce((a, b) => a + b, 0),
  }));

  return (
    <Section title="Monthly usage">
      <ErrorNote error={usage.error} />
      <BarChart title="Units per meter" months={months} series={toSeries(perMeter, months, (l) => l.meter)} />
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
            title={`Units per subject (${chosen})`}
            months={months}
            series={toSeries(
              perSubject.filter((l) => l.meter === chosen),
              months,
              (l) => l.subject ?? '',
            )}
          />
        </>
      )}
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
