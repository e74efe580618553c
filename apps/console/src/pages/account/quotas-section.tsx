import { useState } from 'preact/hooks';
import { call, seg, type QuotaStatus } from '../../api';
import { ErrorNote, Notice, Section } from '../../components/feedback';
import { UsageBar } from '../../components/usage-bar';
import { useApi } from '../../components/use-api';
import { periodLabel, rateLimitText, units, when } from '../../format';
import { QuotaForm } from './quota-form';

/** A quota of an account with members below it in a tree: `usage` and `reserved` are its subtree's, `own` its own part. */
type QuotaView = QuotaStatus & { own?: { usage: number; reserved: number } };

interface Props {
  account: string;
  admin: boolean;
  version: number;
  onChange: () => void;
}

/** The account's quotas in their current period as bars, and (for admins) the quota form. */
export function QuotasSection({ account, admin, version, onChange }: Props) {
  const quotas = useApi(() => call<QuotaView[]>('GET', `/v1/accounts/${seg(account)}/quotas`), [account, version]);
  const [editing, setEditing] = useState<QuotaStatus | null>(null);
  // Each save remounts the form, so the next quota starts from the defaults again.
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <Section title="Quotas">
      <ErrorNote error={quotas.error} />
      {quotas.data?.length === 0 && <p class="muted">No quota: usage is decided by meter defaults or credits alone.</p>}
      <ul class="quotas">
        {(quotas.data ?? []).map((q) => (
          <li key={q.meter}>
            <div class="quota-head">
              <strong>{q.meter}</strong>
              <span class="muted">
                {q.enforcement}, {periodLabel(q)}
                {q.periodStart && q.periodEnd ? ` (${when(q.periodStart)} to ${when(q.periodEnd)})` : ''}
                {q.overage > 0 ? `, ${units(q.overage)} over` : ''}
                {` · ${q.blockPrice} ${q.currency} per ${units(q.blockSize)} after ${units(q.includedUnits)} included`}
                {q.rateLimit ? ` · at most ${rateLimitText(q.rateLimit)}` : ''}
              </span>
              {admin && (
                <button type="button" class="link" onClick={() => setEditing(q)} aria-label={`Edit the ${q.meter} quota`}>
                  Edit
                </button>
              )}
            </div>
            <UsageBar meter={q.meter} usage={q.usage} reserved={q.reserved ?? 0} limit={q.limit} />
            {q.own && <SubtreeNote quota={q} own={q.own} />}
          </li>
        ))}
      </ul>
      {saved && <Notice>Quota for {saved} saved. Its bar shows once the read models catch up (Refresh).</Notice>}
      {admin && (
        <QuotaForm
          key={`${editing?.meter ?? 'new'}|${saved}`}
          account={account}
          quota={editing}
          onSaved={(meter) => {
            setEditing(null);
            setSaved(meter);
            onChange();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
    </Section>
  );
}

/** Why a parent's bar is fuller than its own use: its limit is held against its members' usage too. */
function SubtreeNote({ quota, own }: { quota: QuotaView; own: { usage: number; reserved: number } }) {
  const members = quota.usage - own.usage;
  const theirs = (quota.reserved ?? 0) - own.reserved;
  return (
    <p class="muted subtree" data-testid={`subtree-${quota.meter}`}>
      Counts its members: {units(own.usage)} its own, {units(members)} by the accounts below it
      {theirs > 0 ? ` (and ${units(theirs)} of the reserved units)` : ''}
    </p>
  );
}
