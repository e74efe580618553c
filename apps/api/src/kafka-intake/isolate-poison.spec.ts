import { DomainError } from '@tally/domain';
import { decideIsolating } from './isolate-poison';

interface Item {
  id: string;
  subject: string;
}
const item = (id: string, subject = 'alice'): Item => ({ id, subject });
const refused = () => Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
const unreachable = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A store that refuses any batch holding a poisoned id, and records what it decided. */
function store(poisoned: string[]) {
  const decided = new Set<string>();
  const decide = async (items: Item[]) => {
    if (items.some((i) => poisoned.includes(i.id))) throw refused();
    for (const i of items) decided.add(i.id);
  };
  return { decided, decide };
}

describe('deciding a slice with poison isolation', () => {
  it('given a clean slice, when decided, then nothing is dead-lettered', async () => {
    const { decided, decide } = store([]);
    expect(await decideIsolating([item('a'), item('b', 'bob')], (i) => i.subject, decide)).toEqual([]);
    expect([...decided]).toEqual(['a', 'b']);
  });

  it('given poison among good messages of several subjects, then only the poison is refused', async () => {
    const { decided, decide } = store(['p1', 'p2']);
    const items = [item('a'), item('p1'), item('b'), item('c', 'bob'), item('p2', 'carol'), item('d', 'dave')];
    const out = await decideIsolating(items, (i) => i.subject, decide);
    expect(out.map((u) => u.item.id).sort()).toEqual(['p1', 'p2']);
    expect(out[0].failure).toMatchObject({ retry: false, code: 'STORE_REFUSED' });
    expect(out[0].failure.detail).toContain('SQLSTATE 22P05');
    expect([...decided].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('given the rules refusing a message (a domain error), then it is dead-lettered as DECIDE_FAILED', async () => {
    const decide = async (items: Item[]) => {
      if (items.some((i) => i.id === 'big')) throw new DomainError('CREDITS_OVERFLOW', 'the balance would overflow');
    };
    const out = await decideIsolating([item('ok'), item('big')], (i) => i.subject, decide);
    expect(out).toEqual([{ item: item('big'), failure: expect.objectContaining({ code: 'DECIDE_FAILED' }) }]);
  });

  it("given a programming error in Tally's code, then nothing is dead-lettered: it is thrown for the slice to be retried", async () => {
    const fault = new TypeError("Cannot read properties of undefined (reading 'quota')");
    const decide = async (items: Item[]) => {
      if (items.some((i) => i.id === 'tripped')) throw fault;
    };
    await expect(decideIsolating([item('ok'), item('tripped')], (i) => i.subject, decide)).rejects.toBe(fault);
  });

  it('given the store unreachable, then the failure is thrown for the slice to be retried', async () => {
    const decide = async () => {
      throw unreachable();
    };
    await expect(decideIsolating([item('a'), item('b')], (i) => i.subject, decide)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('given poison, then isolating decides one step at a time (one account would batch them again)', async () => {
    let running = 0;
    let most = 0;
    const { decide: inner } = store(['p1']);
    const decide = async (items: Item[]) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 1));
      running--;
      await inner(items);
    };
    const out = await decideIsolating([item('a'), item('p1'), item('b'), item('c', 'bob')], (i) => i.subject, decide);
    expect(out.map((u) => u.item.id)).toEqual(['p1']);
    expect(most).toBe(1);
  });

  it('given the store going away while isolating, then the failure is thrown, not dead-lettered', async () => {
    let calls = 0;
    const decide = async (items: Item[]) => {
      calls++;
      if (calls === 1) throw refused();
      if (items.some((i) => i.subject === 'bob')) throw unreachable();
    };
    await expect(decideIsolating([item('a'), item('b', 'bob')], (i) => i.subject, decide)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });

  it('strips control characters from the reason it reports', async () => {
    const decide = async () => {
      throw Object.assign(new Error('invalid byte sequence: \u0000 here'), { code: '22021' });
    };
    const [out] = await decideIsolating([item('a')], (i) => i.subject, decide);
    expect(out.failure.detail).toBe('the event store refused the data (SQLSTATE 22021): invalid byte sequence: ? here');
  });
});
