import { useState } from 'preact/hooks';
import { call, seg, type ApiKey, type Decision } from '../../api';
import { ErrorNote, Section } from '../../components/feedback';
import { useApi } from '../../components/use-api';
import { units, when } from '../../format';

const PAGE = 25;
const REASONS = ['QUOTA_EXCEEDED', 'RATE_LIMITED', 'INSUFFICIENT_CREDITS', 'NO_QUOTA', 'METER_DISABLED', 'TOO_LATE', 'IN_FUTURE'];

/** The audit log, newest first, a page at a time (before=<position>), filtered by outcome here. */
export function DecisionsSection({ account, admin, version }: { account: string; admin: boolean; version: number }) {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [filter, setFilter] = useState('all');
  const before = cursors[cursors.length - 1];
  const page = useApi(
    () => call<Decision[]>('GET', `/v1/accounts/${seg(account)}/decisions?limit=${PAGE}${before ? `&before=${before}` : ''}`),
    [account, version, before],
  );
  // Admins may list keys, so the log can name who reported; revoked keys are no longer listed.
  const keys = useApi(() => (admin ? call<ApiKey[]>('GET', '/v1/api-keys') : Promise.resolve([])), [admin]);
  const keyNames = new Map((keys.data ?? []).map((k) => [k.id, k.name]));
  const reporter = (id: string | null | undefined) => (id ? (keyNames.get(id) ?? id) : '—');
  const entries = page.data ?? [];
  const reasons = [...new Set([...REASONS, ...entries.flatMap((d) => (d.reason ? [d.reason] : []))])];
  const shown = entries.filter(
    (d) => filter === 'all' || (filter === 'accepted' ? d.decision === 'accepted' : d.reason === filter),
  );

  return (
    <Section title="Decisions">
      <div class="inline">
        <label for="reason-filter">Show</label>
        <select id="reason-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value)}>
          <option value="all">every decision</option>
          <option value="accepted">accepted</option>
          {reasons.map((r) => (
            <option key={r} value={r}>
              rejected: {r}
            </option>
          ))}
        </select>
        <span class="muted" role="status">
          {shown.length} of {entries.length} on this page
        </span>
      </div>
      <ErrorNote error={page.error} />
      <table class="decisions">
        <thead>
          <tr>
            {['Decided', 'Subject', 'Meter', 'Quantity', 'Decision', 'Usage / limit', 'Source · id', 'Reported by'].map((h) => (
              <th scope="col" key={h} class={h === 'Quantity' ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((d) => (
            <tr key={d.position}>
              <td>{when(d.decidedAt)}</td>
              <td>{d.subject}</td>
              <td>{d.meter}</td>
              <td class="num">{units(d.quantity)}</td>
              <td class={d.decision}>
                {d.decision}
                {d.reason ? ` (${d.reason})` : ''}
                {d.reversedAt ? ', reversed' : ''}
                {d.reservation ? <div class="muted">{holdNote(d.reservation)}</div> : null}
              </td>
              <td>
                {units(d.usage)} / {units(d.limit)}
              </td>
              <td class="muted">
                {d.source} · {d.id}
              </td>
              <td class="muted">{reporter(d.reportedBy)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors([null])}>
          Newest
        </button>
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button
          type="button"
          disabled={entries.length < PAGE}
          onClick={() => setCursors([...cursors, entries[entries.length - 1].position])}
        >
          Older
        </button>
      </div>
    </Section>
  );
}

/** How a reservation's entry reads: what was held, and what became of it (expiry records no event). */
function holdNote(hold: NonNullable<Decision['reservation']>): string {
  const status = hold.status === 'held' && Date.parse(hold.expiresAt) <= Date.now() ? 'expired' : hold.status;
  return `reservation of ${units(hold.held)}: ${status}${status === 'held' ? ` until ${when(hold.expiresAt)}` : ''}`;
}
