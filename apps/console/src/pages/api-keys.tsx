import { useState } from 'preact/hooks';
import { ApiError, call, seg, type ApiKey, type Role } from '../api';
import { ErrorNote, Notice, Section } from '../components/feedback';
import { useApi } from '../components/use-api';
import { when } from '../format';

/** API keys: create one (its token is shown once, here), list them without tokens, revoke. */
export function ApiKeysPage() {
  const keys = useApi(() => call<ApiKey[]>('GET', '/v1/api-keys'), []);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await call('DELETE', `/v1/api-keys/${seg(key.id)}`);
      setRevoked(key.name);
      setConfirming(null);
      keys.reload();
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  return (
    <>
      <Section title="Create an API key">
        <CreateKeyForm
          onCreated={(key) => {
            setCreated(key);
            keys.reload();
          }}
        />
        {created && (
          <div class="token" role="status">
            <p>
              Key <strong>{created.name}</strong> ({created.role}) created. Copy its token now: it is shown once and never again.
            </p>
            <label for="new-token">Token</label>
            <input id="new-token" readOnly value={created.token} onFocus={(e) => e.currentTarget.select()} />
          </div>
        )}
      </Section>
      <Section title="API keys">
        <ErrorNote error={keys.error ?? error} />
        {revoked && <Notice>Key {revoked} revoked: it no longer authenticates.</Notice>}
        <table>
          <thead>
            <tr>
              {['Name', 'Role', 'Source', 'Created', 'Last used', ''].map((h) => (
                <th scope="col" key={h}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <th scope="row">{k.name}</th>
                <td>{k.role}</td>
                <td>{k.source ?? <span class="muted">any</span>}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  {confirming === k.id ? (
                    <>
                      <button type="button" class="danger" onClick={() => revoke(k)}>
                        Confirm revoking {k.name}
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirming(k.id)} aria-label={`Revoke ${k.name}`}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="muted">The bootstrap token (METERING_ADMIN_TOKEN) is not a stored key and is not listed.</p>
      </Section>
    </>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (key: ApiKey) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('producer');
  const [source, setSource] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const body = { name, role, ...(source.trim() ? { source: source.trim() } : {}) };
      onCreated(await call<ApiKey>('POST', '/v1/api-keys', body));
      setName('');
      setSource('');
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  return (
    <form class="grid" onSubmit={submit}>
      <label for="key-name">Name</label>
      <input id="key-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="key-role">Role</label>
      <select id="key-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
        <option value="producer">producer (reports usage)</option>
        <option value="finance">finance (reads, billing)</option>
        <option value="admin">admin (everything)</option>
      </select>
      <label for="key-source">Source (optional)</label>
      <input
        id="key-source"
        value={source}
        placeholder="the only source a producer key may report under"
        onInput={(e) => setSource(e.currentTarget.value)}
      />
      <div class="form-actions">
        <button type="submit">Create key</button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
