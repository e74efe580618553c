import { useEffect, useState } from 'preact/hooks';
import { session, SIGNED_OUT, type Role } from './api';
import { AccountPage } from './pages/account';
import { AccountsPage } from './pages/accounts';
import { ApiKeysPage } from './pages/api-keys';
import { BillingPage } from './pages/billing';
import { MetersPage } from './pages/meters';
import { SignIn } from './pages/sign-in';
import { WebhooksPage } from './pages/webhooks';
import { detectRole } from './role';
import { href, useRoute } from './router';

const ROLE_KEY = 'tally.console.role';
const TITLES: Record<string, string> = {
  accounts: 'Accounts',
  meters: 'Meters',
  billing: 'Billing',
  'api-keys': 'API keys',
  webhooks: 'Webhooks',
};

/** The shell: sign-in until a key is known, then navigation and the page of the route. */
export function App() {
  const [role, setRole] = useState<Role | null>(() =>
    session.token() ? (sessionStorage.getItem(ROLE_KEY) as Role | null) : null,
  );
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  useEffect(() => {
    // A reload keeps the key (session storage) but re-learns its role from the API.
    const token = session.token();
    if (token && !role) detectRole(token).then(setRole, () => signOut());
    const onSignedOut = () => {
      signOut();
      setExpired(true);
    };
    addEventListener(SIGNED_OUT, onSignedOut);
    return () => removeEventListener(SIGNED_OUT, onSignedOut);
  }, []);

  const signIn = (token: string, detected: Role) => {
    session.keep(token);
    sessionStorage.setItem(ROLE_KEY, detected);
    setRole(detected);
    setExpired(false);
    if (!location.hash) location.hash = href('accounts');
  };
  const signOut = () => {
    session.forget();
    sessionStorage.removeItem(ROLE_KEY);
    setRole(null);
  };

  if (!role || role === 'producer') return <SignIn onSignIn={signIn} expired={expired} />;
  const admin = role === 'admin';
  const [page = 'accounts', ...rest] = route;
  document.title = `${rest[0] ?? TITLES[page] ?? page} · Tally console`;
  const nav = ['accounts', 'meters', 'billing', ...(admin ? ['api-keys', 'webhooks'] : [])];
  return (
    <>
      {/* Not a hash link: the hash is the route here. */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Tally</span>
        <nav aria-label="Console">
          <ul>
            {nav.map((to) => (
              <li key={to}>
                <a href={href(to)} aria-current={page === to ? 'page' : undefined}>
                  {TITLES[to]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">
          Signed in as <strong>{role}</strong>
        </span>
        <button type="button" class="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page === 'accounts' && rest.length === 0 && <AccountsPage />}
        {page === 'accounts' && rest.length > 0 && <AccountPage account={rest[0]} admin={admin} />}
        {page === 'meters' && <MetersPage />}
        {page === 'billing' && <BillingPage />}
        {page === 'api-keys' && (admin ? <ApiKeysPage /> : <p>Only admin keys manage API keys.</p>)}
        {page === 'webhooks' && (admin ? <WebhooksPage /> : <p>Only admin keys manage webhooks.</p>)}
      </main>
    </>
  );
}
