import { useState } from 'preact/hooks';
import { ApiError, call, type WebhookEndpoint } from '../../api';
import { ErrorNote } from '../../components/feedback';

/** Registers an endpoint; the API answers with its signing secret, which the page shows once. */
export function CreateWebhookForm({ onCreated }: { onCreated: (endpoint: WebhookEndpoint) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body = { url: url.trim(), ...(description.trim() ? { description: description.trim() } : {}) };
      onCreated(await call<WebhookEndpoint>('POST', '/v1/webhooks', body));
      setUrl('');
      setDescription('');
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  return (
    <form class="grid" onSubmit={submit} noValidate>
      <label for="webhook-url">URL</label>
      <input
        id="webhook-url"
        required
        value={url}
        placeholder="https://hooks.example.com/tally"
        onInput={(e) => setUrl(e.currentTarget.value)}
      />
      <label for="webhook-description">Description (optional)</label>
      <input id="webhook-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      <div class="form-actions">
        <button type="submit">Add endpoint</button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
