import { call, seg, type WebhookAttempt, type WebhookEndpoint } from '../../api';
import { ErrorNote, Section } from '../../components/feedback';
import { HeadRow } from '../../components/rows';
import { useApi } from '../../components/use-api';
import { when } from '../../format';

/** An endpoint's delivery log, newest attempt first, as `GET /v1/webhooks/{id}/deliveries` gives it. */
export function Deliveries({ endpoint, onClose }: { endpoint: WebhookEndpoint; onClose: () => void }) {
  const log = useApi(() => call<WebhookAttempt[]>('GET', `/v1/webhooks/${seg(endpoint.id)}/deliveries`), [endpoint.id]);
  const actions = (
    <span>
      <button type="button" onClick={log.reload}>
        Refresh
      </button>{' '}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </span>
  );
  return (
    <Section title={`Deliveries to ${endpoint.url}`} actions={actions}>
      <ErrorNote error={log.error} />
      {log.data?.length === 0 && <p class="muted">Nothing delivered yet: alerts raised from now on are sent here.</p>}
      {(log.data?.length ?? 0) > 0 && (
        <table class="deliveries">
          <HeadRow headings={['Time', 'Alert', 'Attempt', 'Outcome', 'Duration', 'Next retry']} />
          <tbody>
            {log.data!.map((a) => (
              <tr key={`${a.alertId}-${a.attempt}`} data-alert-id={a.alertId}>
                <th scope="row">{when(a.attemptedAt)}</th>
                <td>
                  <code>{a.alertId}</code>
                </td>
                <td>{a.attempt}</td>
                <td>{a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? '—')}</td>
                <td>{a.durationMs} ms</td>
                <td>{a.nextRetryAt ? when(a.nextRetryAt) : <span class="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Section>
  );
}
