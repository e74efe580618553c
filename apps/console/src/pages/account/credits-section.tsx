import { useState } from 'preact/hooks';
import { ApiError, call, seg, type Credits } from '../../api';
import { ErrorNote, Notice, Section } from '../../components/feedback';
import { useApi } from '../../components/use-api';
import { units, when } from '../../format';

interface Props {
  account: string;
  admin: boolean;
  version: number;
  onChange: () => void;
}

/** The wallet, and (for admins) a grant form. */
export function CreditsSection({ account, admin, version, onChange }: Props) {
  const credits = useApi(async () => {
    try {
      return await call<Credits>('GET', `/v1/accounts/${seg(account)}/credits`);
    } catch (error) {
      // 404: the account has no history yet, so it has an empty wallet.
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }, [account, version]);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [priority, setPriority] = useState('');
  const [expiresAt, setExpiresAt] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [granted, setGranted] = useState<number | null>(null);

  const grant = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setGranted(null);
    try {
      const body = {
        amount: Number(amount),
        ...(reason.trim() ? { reason: reason.trim() } : {}),
        ...(priority ? { priority: Number(priority) } : {}),
        // datetime-local is the browser's local time: sent as the instant it names.
        ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
      };
      const answer = await call<{ balance: number }>('POST', `/v1/accounts/${seg(account)}/credits`, body);
      setGranted(answer.balance);
      setAmount('');
      setReason('');
      setPriority('');
      setExpiresAt('');
      onChange();
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  const c = credits.data;
  return (
    <Section title="Credits">
      <ErrorNote error={credits.error} />
      {c === null && <p class="muted">No wallet yet: the account has no history.</p>}
      {c && (
        <dl class="figures-list">
          <dt>Balance</dt>
          <dd data-testid="balance">{units(c.balance)}</dd>
          {c.held !== undefined && (
            <>
              <dt>Held</dt>
              <dd>{units(c.held)}</dd>
            </>
          )}
          <dt>Granted</dt>
          <dd>{units(c.granted)}</dd>
          <dt>Spent</dt>
          <dd>{units(c.spent)}</dd>
          {c.expired !== undefined && (
            <>
              <dt>Expired</dt>
              <dd>{units(c.expired)}</dd>
              <dt>Voided</dt>
              <dd>{units(c.voided)}</dd>
              <dt>Next expiry</dt>
              <dd data-testid="next-expiry">
                {c.nextExpiry ? `${units(c.nextExpiry.amount)} at ${when(c.nextExpiry.at)}` : '—'}
              </dd>
            </>
          )}
        </dl>
      )}
      {admin && (
        <form class="grid" onSubmit={grant}>
          <label for="grant-amount">Credits to grant</label>
          <input
            id="grant-amount"
            type="number"
            min={1}
            step={1}
            required
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <label for="grant-reason">Reason (optional)</label>
          <input id="grant-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <label for="grant-priority">Priority (1 burns first; default 50)</label>
          <input
            id="grant-priority"
            type="number"
            min={1}
            max={100}
            step={1}
            value={priority}
            onInput={(e) => setPriority(e.currentTarget.value)}
          />
          <label for="grant-expires">Expires at (optional)</label>
          <input
            id="grant-expires"
            type="datetime-local"
            value={expiresAt}
            onInput={(e) => setExpiresAt(e.currentTarget.value)}
          />
          <div class="form-actions">
            <button type="submit">Grant credits</button>
          </div>
        </form>
      )}
      <ErrorNote error={error} />
      {granted !== null && <Notice>Granted. The balance is now {units(granted)}.</Notice>}
    </Section>
  );
}
