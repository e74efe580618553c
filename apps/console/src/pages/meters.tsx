import { call, type Meter } from '../api';
import { ErrorNote, Section } from '../components/feedback';
import { useApi } from '../components/use-api';
import { periodLabel, rateLimitText, units, when } from '../format';

/** The meters defined, with their price in credits and default quota. */
export function MetersPage() {
  const meters = useApi(() => call<Meter[]>('GET', '/v1/meters'), []);
  return (
    <Section title="Meters">
      <ErrorNote error={meters.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Meter</th>
            <th scope="col">Description</th>
            <th scope="col" class="num">
              Credits per unit
            </th>
            <th scope="col">Default quota</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {(meters.data ?? []).map((m) => (
            <tr key={m.meter}>
              <th scope="row">{m.meter}</th>
              <td>{m.description ?? <span class="muted">—</span>}</td>
              <td class="num">{m.creditsPerUnit ?? '—'}</td>
              <td>
                {m.defaultQuota
                  ? `${units(m.defaultQuota.limit ?? null)} ${periodLabel({ period: m.defaultQuota.period ?? 'month', anchor: m.defaultQuota.anchor })}, ${m.defaultQuota.enforcement}` +
                    (m.defaultQuota.rateLimit ? `, at most ${rateLimitText(m.defaultQuota.rateLimit)}` : '')
                  : '—'}
              </td>
              <td>{when(m.updatedAt)}</td>
            </tr>
          ))}
          {meters.data?.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                No meters defined (PUT /v1/meters/&#123;meter&#125;).
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Section>
  );
}
