import { useState } from 'preact/hooks';
import { call, seg, type AccountSummary, type QuotaStatus } from '../api';
import { ErrorNote, Section } from '../components/feedback';
import { UsageBar } from '../components/usage-bar';
import { useApi } from '../components/use-api';
import { units, when } from '../format';
import { href } from '../router';

const PAGE = 20;

/** Accounts by id, a page at a time (the API's cursor is the last account of the page). */
export function AccountsPage() {
  // The cursors of the pages walked through, so "Previous" needs no backwards cursor.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const page = useApi(async () => {
    const query = `limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const accounts = await call<AccountSummary[]>('GET', `/v1/accounts?${query}`);
    const quotas = await Promise.all(accounts.map((a) => call<QuotaStatus[]>('GET', `/v1/accounts/${seg(a.account)}/quotas`)));
    return accounts.map((a, i) => ({ ...a, quotaStatus: quotas[i] }));
  }, [after]);
  const rows = page.data ?? [];

  return (
    <Section
      title="Accounts"
      actions={
        <button type="button" onClick={page.reload}>
          Refresh
        </button>
      }
    >
      <ErrorNote error={page.error} />
      <table class="accounts">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Quotas this period</th>
            <th scope="col" class="num">
              Credits
            </th>
            <th scope="col">Last decision</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.account}>
              <th scope="row">
                <a href={href('accounts', a.account)}>{a.account}</a>
              </th>
              <td>
                {a.quotaStatus.length === 0 && <span class="muted">none</span>}
                {a.quotaStatus.map((q) => (
                  <div class="quota-line" key={q.meter}>
                    <span class="meter-name">{q.meter}</span>
                    <UsageBar meter={q.meter} usage={q.usage} reserved={q.reserved ?? 0} limit={q.limit} />
                  </div>
                ))}
              </td>
              <td class="num">{units(a.balance)}</td>
              <td>{when(a.lastDecisionAt)}</td>
            </tr>
          ))}
          {!page.loading && rows.length === 0 && (
            <tr>
              <td colSpan={4} class="muted">
                No accounts yet. An account appears with its first quota, credit grant or usage.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={rows.length < PAGE}
          onClick={() => setCursors([...cursors, rows[rows.length - 1].account])}
        >
          Next page
        </button>
      </div>
    </Section>
  );
}
