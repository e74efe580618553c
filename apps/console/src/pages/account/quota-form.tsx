import { useState } from 'preact/hooks';
import { ApiError, call, seg, type QuotaStatus } from '../../api';
import { ErrorNote } from '../../components/feedback';

interface Props {
  account: string;
  /** The quota being edited, or null for a new one. */
  quota: QuotaStatus | null;
  onSaved: (meter: string) => void;
  onCancel: () => void;
}

/** Sets a quota with PUT: every term is sent, so the form shows exactly what will be stored. */
export function QuotaForm({ account, quota, onSaved, onCancel }: Props) {
  const [f, setF] = useState({
    meter: quota?.meter ?? '',
    limit: quota?.limit === null || quota === null ? '' : String(quota.limit),
    enforcement: quota?.enforcement ?? 'hard',
    period: quota?.period ?? 'month',
    anchor: quota?.anchor ?? '',
    blockSize: String(quota?.blockSize ?? 1000),
    blockPrice: quota?.blockPrice ?? '0',
    includedUnits: String(quota?.includedUnits ?? 0),
    currency: quota?.currency ?? 'USD',
    alertAt: (quota?.alertAt ?? []).join(', '),
  });
  const [error, setError] = useState<ApiError | null>(null);
  const set = (field: keyof typeof f) => (e: Event) => setF({ ...f, [field]: (e.currentTarget as HTMLInputElement).value });

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await call('PUT', `/v1/accounts/${seg(account)}/quotas/${seg(f.meter.trim())}`, {
        limit: f.limit.trim() === '' ? null : Number(f.limit),
        enforcement: f.enforcement,
        period: f.period,
        // Only months and years take an anchor; empty = the calendar period.
        anchor: (f.period === 'month' || f.period === 'year') && f.anchor.trim() !== '' ? f.anchor.trim() : null,
        blockSize: Number(f.blockSize),
        blockPrice: f.blockPrice.trim(),
        includedUnits: Number(f.includedUnits),
        currency: f.currency.trim(),
        // Sent as typed: a bad entry comes back as the API's 400 naming alertAt.
        alertAt: f.alertAt
          .split(',')
          .map((p) => p.trim())
          .filter((p) => p !== '')
          .map(Number),
        // The form does not edit rate limits (the API does): an edit keeps the one the quota has.
        ...(quota?.rateLimit ? { rateLimit: quota.rateLimit } : {}),
      });
      onSaved(f.meter.trim());
    } catch (failure) {
      setError(failure as ApiError);
    }
  };

  const field = (id: keyof typeof f, label: string, extra: Record<string, unknown> = {}) => (
    <>
      <label for={`quota-${id}`}>{label}</label>
      <input id={`quota-${id}`} value={f[id]} onInput={set(id)} {...extra} />
    </>
  );

  return (
    <form class="grid quota-form" onSubmit={save} aria-label={quota ? `Edit the ${quota.meter} quota` : 'Set a quota'}>
      <h3 class="span">{quota ? `Edit the ${quota.meter} quota` : 'Set a quota'}</h3>
      {field('meter', 'Meter', { required: true, readOnly: quota !== null })}
      {field('limit', 'Limit (empty = unlimited, 0 = disabled)', { type: 'number', min: 0, step: 1 })}
      <label for="quota-enforcement">Enforcement</label>
      <select id="quota-enforcement" value={f.enforcement} onChange={set('enforcement')}>
        <option value="hard">hard: refuse past the limit</option>
        <option value="soft">soft: accept and report overage</option>
      </select>
      <label for="quota-period">Period</label>
      <select id="quota-period" value={f.period} onChange={set('period')}>
        <option value="day">day (resets each UTC day)</option>
        <option value="week">week (resets each Monday 00:00 UTC)</option>
        <option value="month">month (resets each UTC month, or on the anchor day)</option>
        <option value="year">year (resets each 1 January, or on the anchor date)</option>
        <option value="none">none (cumulative capacity)</option>
      </select>
      {(f.period === 'month' || f.period === 'year') &&
        field('anchor', 'Anchor (optional instant: each period starts on its day and time, UTC)', {
          placeholder: 'e.g. 2026-01-15T09:00:00Z',
        })}
      {field('blockSize', 'Block size', { type: 'number', min: 1, step: 1, required: true })}
      {field('blockPrice', 'Block price (decimal)', { required: true, inputMode: 'decimal' })}
      {field('includedUnits', 'Included units', { type: 'number', min: 0, step: 1, required: true })}
      {field('currency', 'Currency', { required: true })}
      {field('alertAt', 'Alert at (% of the limit, comma-separated)', { inputMode: 'numeric', placeholder: 'e.g. 80, 100' })}
      <div class="form-actions">
        <button type="submit">Save quota</button>
        {quota && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
