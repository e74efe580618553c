import { useState } from 'preact/hooks';
import { ApiError, call, seg, type Credits, type Grant } from '../../api';
import { ErrorNote, Notice, Section } from '../../components/feedback';
import { useApi } from '../../components/use-api';
import { units, when } from '../../format';

interface Props {
  account: string;
  admin: boolean;
  version: number;
  onChange: () => void;
}

const notFoundAsNull = async <T,>(read: () => Promise<T>): Promise<T | null> => {
  try {
    return await read();
  } catch (error) {
    // 404: the account has no history yet, so it holds no grant.
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
};

/** The grants the account holds in burn order (remaining, expiry, void with a confirm), and its allowance. */
export function GrantsSection({ account, admin, version, onChange }: Props) {
  const grants = useApi(
    () => notFoundAsNull(() => call<Grant[]>('GET', `/v1/accounts/${seg(account)}/credits/grants`)),
    [account, version],
  );
  const credits = useApi(
    () => notFoundAsNull(() => call<Credits>('GET', `/v1/accounts/${seg(account)}/credits`)),
    [account, version],
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [per, setPer] = useState<'month' | 'day'>('month');

  const act = async (work: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
      onChange();
    } catch (failure) {
      setError(failure as ApiError);
    }
  };
  const voidGrant = (grant: Grant) => {
    if (!window.confirm(`Void grant ${grant.id}? Its ${units(grant.remaining)} remaining credits leave the balance now.`)) return;
    void act(() => call('POST', `/v1/accounts/${seg(account)}/credits/grants/${seg(grant.id)}/void`, {}), `Voided ${grant.id}.`);
  };
  const setAllowance = (event: Event) => {
    event.preventDefault();
    void act(
      () => call('PUT', `/v1/accounts/${seg(account)}/credits/allowance`, { amount: Number(amount), per }),
      "Allowance set: this period's grant is issued.",
    );
  };
  const allowance = credits.data?.allowance ?? null;

  return (
    <Section title="Grants">
      <ErrorNote error={grants.error} />
      {grants.data?.length === 0 && <p class="muted">No grants.</p>}
      {grants.data && grants.data.length > 0 && (
        <table data-testid="grants">
          <thead>
            <tr>
              <th>Grant</th>
              <th class="num">Priority</th>
              <th class="num">Remaining</th>
              <th>Expires</th>
              <th>Status</th>
              {admin && <th />}
            </tr>
          </thead>
          <tbody>
            {grants.data.map((g) => (
              <tr key={g.id}>
                <td title={g.reason ?? undefined}>{g.id}</td>
                <td class="num">{g.priority}</td>
                <td class="num">
                  {units(g.remaining)} / {units(g.amount)}
                </td>
                <td>{g.expiresAt ? when(g.expiresAt) : 'never'}</td>
                <td>{g.status}</td>
                {admin && (
                  <td>
                    {(g.status === 'live' || g.status === 'pending') && (
                      <button type="button" onClick={() => voidGrant(g)}>
                        Void
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p data-testid="allowance">
        Allowance:{' '}
        {allowance ? `${units(allowance.amount)} credits every ${allowance.per} (priority ${allowance.priority})` : 'none'}
      </p>
      {admin && (
        <form class="grid" onSubmit={setAllowance}>
          <label for="allowance-amount">Allowance credits</label>
          <input
            id="allowance-amount"
            type="number"
            min={1}
            step={1}
            required
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <label for="allowance-per">Every</label>
          <select id="allowance-per" value={per} onChange={(e) => setPer(e.currentTarget.value as 'month' | 'day')}>
            <option value="month">month</option>
            <option value="day">day</option>
          </select>
          <div class="form-actions">
            <button type="submit">Set allowance</button>
            {allowance && (
              <button
                type="button"
                onClick={() =>
                  void act(() => call('DELETE', `/v1/accounts/${seg(account)}/credits/allowance`), 'Allowance removed.')
                }
              >
                Remove allowance
              </button>
            )}
          </div>
        </form>
      )}
      <ErrorNote error={error} />
      {notice && <Notice>{notice}</Notice>}
    </Section>
  );
}
