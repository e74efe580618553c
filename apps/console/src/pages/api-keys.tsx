import { useState } from 'preact/hooks';
import { ApiError, call, seg, type ApiKey, type Role } from '../api';
import { ErrorNote, Notice, Section } from '../components/feedback';
import { ConfirmButton, HeadRow, ShownOnce } from '../components/rows';
import { useApi } from '../components/use-api';
import { when } from '../format';

/** API keys: create one (its token is shown once, here), list them without tokens, revoke. */
export function ApiKeysPage() {
  const keys = useApi(() => call<ApiKey[]>('GET', '/v1/api-keys'), []);
  const [created, setCreated] = useState<ApiKey | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const revoke = async (key: ApiKey) => {
    setError(null);
    try {
      await call('DELETE', `/v1/api-keys/${seg(key.id)}`);
      setRevoked(key.name);
      keys.reload();
      return true;
    } catch (failure) {
      setError(failure as ApiError);
      return false;
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
          <ShownOnce id="new-token" label="Token" value={created.token}>
            Key <strong>{created.name}</strong> ({created.role}) created. Copy its token now: it is shown once and never again.
          </ShownOnce>
        )}
      </Section>
      <Section title="API keys">
        <ErrorNote error={keys.error ?? error} />
        {revoked && <Notice>Key {revoked} revoked: it no longer authenticates.</Notice>}
        <table>
          <HeadRow headings={['Name', 'Role', 'Source', 'Created', 'Last used', '']} />
          <tbody>
            {(keys.data ?? []).map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <th scope="row">{k.name}</th>
                <td>{k.role}</td>
                <td>{k.source ?? <span class="muted">any</span>}</td>
                <td>{when(k.createdAt)}</td>
                <td>{when(k.lastUsedAt)}</td>
                <td>
                  <ConfirmButton verb="Revoke" confirming="Confirm revoking" name={k.name} onConfirm={() => revoke(k)} />
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
