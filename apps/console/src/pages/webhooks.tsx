import { useState } from 'preact/hooks';
import { ApiError, call, seg, type WebhookEndpoint } from '../api';
import { ErrorNote, Notice, Section } from '../components/feedback';
import { ConfirmButton, HeadRow, ShownOnce } from '../components/rows';
import { useApi } from '../components/use-api';
import { when } from '../format';
import { CreateWebhookForm } from './webhooks/create-webhook-form';
import { Deliveries } from './webhooks/deliveries';

/** Webhooks: add an endpoint (its whsec_ secret is shown once, here), list, delete, read each one's delivery log. */
export function WebhooksPage() {
  const endpoints = useApi(() => call<WebhookEndpoint[]>('GET', '/v1/webhooks'), []);
  const [created, setCreated] = useState<WebhookEndpoint | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);
  const [open, setOpen] = useState<WebhookEndpoint | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const remove = async (endpoint: WebhookEndpoint) => {
    setError(null);
    try {
      await call('DELETE', `/v1/webhooks/${seg(endpoint.id)}`);
      setDeleted(endpoint.url);
      if (open?.id === endpoint.id) setOpen(null);
      endpoints.reload();
      return true;
    } catch (failure) {
      setError(failure as ApiError);
      return false;
    }
  };

  return (
    <>
      <Section title="Add a webhook endpoint">
        <CreateWebhookForm
          onCreated={(endpoint) => {
            setCreated(endpoint);
            endpoints.reload();
          }}
        />
        {created && (
          <ShownOnce id="new-secret" label="Signing secret" value={created.secret}>
            Endpoint <strong>{created.url}</strong> added. Copy its signing secret now (select it, then copy): it is shown once
            and never again. Receivers verify each delivery with it, per Standard Webhooks.
          </ShownOnce>
        )}
      </Section>
      <Section title="Webhook endpoints">
        <ErrorNote error={endpoints.error ?? error} />
        {deleted && <Notice>Endpoint {deleted} deleted: nothing more is delivered to it.</Notice>}
        <table>
          <HeadRow headings={['URL', 'Description', 'Created', '']} />
          <tbody>
            {(endpoints.data ?? []).map((w) => (
              <tr key={w.id} data-webhook-id={w.id}>
                <th scope="row">{w.url}</th>
                <td>{w.description ?? <span class="muted">—</span>}</td>
                <td>{when(w.createdAt)}</td>
                <td>
                  <button type="button" onClick={() => setOpen(w)} aria-label={`Deliveries to ${w.url}`}>
                    Deliveries
                  </button>{' '}
                  <ConfirmButton verb="Delete" confirming="Confirm deleting" name={w.url} onConfirm={() => remove(w)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {endpoints.data?.length === 0 && <p class="muted">No endpoint: alerts are kept as events but sent nowhere.</p>}
      </Section>
      {open && <Deliveries endpoint={open} onClose={() => setOpen(null)} />}
    </>
  );
}
