import { call, seg, type AccountTree } from '../../api';
import { useApi } from '../../components/use-api';
import { href } from '../../router';

/** The account's parent and children in its tree (nothing for an account alone), each a link. */
export function TreeLine({ account, version }: { account: string; version: number }) {
  const tree = useApi(() => call<AccountTree>('GET', `/v1/accounts/${seg(account)}`), [account, version]);
  const t = tree.data;
  if (!t || (t.parent === null && t.children.length === 0)) return null;
  const link = (name: string) => (
    <a key={name} href={href('accounts', name)}>
      {name}
    </a>
  );
  return (
    <p class="tree-line">
      {t.parent !== null && <>Parent: {link(t.parent)} · </>}
      {t.children.length > 0 && (
        <>Children: {t.children.flatMap((child, i) => (i > 0 ? [', ', link(child)] : [link(child)]))} · </>
      )}
      Level {t.depth} of its tree
    </p>
  );
}
