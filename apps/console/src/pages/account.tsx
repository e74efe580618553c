import { useState } from 'preact/hooks';
import { CreditsSection } from './account/credits-section';
import { DecisionsSection } from './account/decisions-section';
import { GrantsSection } from './account/grants-section';
import { QuotasSection } from './account/quotas-section';
import { TreeLine } from './account/tree-line';
import { UsageSection } from './account/usage-section';
import { href } from '../router';

/**
 * One account: its quotas, wallet, monthly use and decisions. Read models follow the event
 * store with a short lag, so "Refresh" reloads every section; each write reloads on its own.
 */
export function AccountPage({ account, admin }: { account: string; admin: boolean }) {
  const [version, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);
  return (
    <>
      <div class="page-head">
        <p>
          <a href={href('accounts')}>Accounts</a> /
        </p>
        <h1>{account}</h1>
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </div>
      <TreeLine account={account} version={version} />
      <div class="columns">
        <QuotasSection account={account} admin={admin} version={version} onChange={refresh} />
        <CreditsSection account={account} admin={admin} version={version} onChange={refresh} />
      </div>
      <GrantsSection account={account} admin={admin} version={version} onChange={refresh} />
      <UsageSection account={account} admin={admin} version={version} />
      <DecisionsSection account={account} admin={admin} version={version} />
    </>
  );
}
