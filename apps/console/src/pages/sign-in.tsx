import { useState } from 'preact/hooks';
import { ApiError, type Role } from '../api';
import { ErrorNote } from '../components/feedback';
import { detectRole } from '../role';

/** Sign-in with an API key; a producer key is told it cannot use the console, and is not kept. */
export function SignIn({ onSignIn, expired }: { onSignIn: (token: string, role: Role) => void; expired: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [producer, setProducer] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setProducer(false);
    try {
      const role = await detectRole(token.trim());
      if (role === 'producer') setProducer(true);
      else onSignIn(token.trim(), role);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? new ApiError(401, 'This API key is not valid (revoked, mistyped, or from another installation).')
          : (failure as ApiError),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Tally console</h1>
      <p>
        Sign in with an admin or finance API key. It stays in this tab only (session storage) and is sent to this server's API
        alone.
      </p>
      {expired && (
        <p class="error" role="alert">
          The API no longer accepts the key this tab was signed in with (revoked?). Sign in again.
        </p>
      )}
      <form onSubmit={submit}>
        <label for="token">API key</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          required
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
      <ErrorNote error={error} />
      {producer && (
        <div class="error" role="alert">
          This is a <strong>producer</strong> key: it may report usage, but it cannot use the console. Sign in with an admin or
          finance key.
        </div>
      )}
    </main>
  );
}
