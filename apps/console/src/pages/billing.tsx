import { useState } from 'preact/hooks';
import { ApiError, call, type BillingLine } from '../api';
import { ErrorNote, Section } from '../components/feedback';
import { useApi } from '../components/use-api';
import { currentMonth, totals, units, when } from '../format';

/** A month's billing lines, totals per currency, and the API's own CSV to download. */
export function BillingPage() {
  const [month, setMonth] = useState(currentMonth());
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);
  const lines = useApi(() => call<BillingLine[]>('GET', `/v1/billing?month=${month}`), [month]);
  const sums = totals(lines.data ?? []);

  const download = async () => {
    setDownloadError(null);
    try {
      // The file is exactly what the API answers to Accept: text/csv; the console adds nothing.
      const csv = await call<string>('GET', `/v1/billing?month=${month}`, undefined, 'text/csv');
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `billing-${month}.csv` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setDownloadError(error as ApiError);
    }
  };

  return (
    <Section title="Billing">
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <label for="billing-month">Month</label>
        <input
          id="billing-month"
          type="month"
          value={month}
          required
          onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)}
        />
        <button type="button" onClick={download}>
          Download CSV
        </button>
      </form>
      <ErrorNote error={lines.error ?? downloadError} />
      <table class="billing">
        <caption class="visually-hidden">Billing lines for {month}</caption>
        <thead>
          <tr>
            {['Account', 'Meter', 'Units', 'Billable', 'Blocks', 'Block size', 'Block price', 'Amount'].map((h, i) => (
              <th scope="col" key={h} class={i >= 2 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {(lines.data ?? []).map((l) => (
            <tr key={`${l.account}|${l.meter}|${l.periodStart ?? ''}`}>
              <th scope="row">{l.account}</th>
              <td>
                {l.meter}
                {/* A day, week, year or anchored month is billed as its own line, named by its bounds. */}
                {l.periodStart && <span class="muted"> {`${when(l.periodStart)} to ${when(l.periodEnd)}`}</span>}
              </td>
              <td class="num">{units(l.units)}</td>
              <td class="num">{units(l.billableUnits)}</td>
              <td class="num">{units(l.blocks)}</td>
              <td class="num">{units(l.blockSize)}</td>
              <td class="num">{l.blockPrice}</td>
              <td class="num">
                {l.amount} {l.currency}
              </td>
            </tr>
          ))}
          {lines.data?.length === 0 && (
            <tr>
              <td colSpan={8} class="muted">
                Nothing to bill in {month}.
              </td>
            </tr>
          )}
        </tbody>
        {sums.length > 0 && (
          <tfoot>
            {sums.map((s) => (
              <tr key={s.currency}>
                <th scope="row" colSpan={7}>
                  Total {s.currency}
                </th>
                <td class="num" data-total={s.currency}>
                  {s.amount} {s.currency}
                </td>
              </tr>
            ))}
          </tfoot>
        )}
      </table>
    </Section>
  );
}
