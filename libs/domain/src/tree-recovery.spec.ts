import type { AccountEvent, AccountMoved, Departure } from '@tally/events';
import { fold, initialState, type Account } from './account-state';
import { ACCOUNT, NOW, opened } from './testing/fixtures';
import { completeMove, type MoveLeft } from './tree-recovery';
import { decideParent } from './tree-moves';

// docs/contract.md §2.7: a move a writer stopped between its appends is completed from what was written.

const attached = (member: string, usage = {}): AccountEvent => ({
  type: 'MemberAttached',
  data: { account: ACCOUNT, member, parent: ACCOUNT, quotas: {}, usage, at: NOW },
});
const USAGE = { geocoding: { '2026-11': 5, total: 5 } };
const movedTo = (tree: string | null, parent: string | null = tree): AccountMoved['data'] => ({
  account: 'team',
  tree,
  parent,
  quotas: {},
  usage: USAGE,
  at: NOW,
});
const own = (tree: string | null): Account => ({ ...initialState(), account: 'team', tree });
const departure = (tree: string | null): Departure => ({ tree, parent: tree, quotas: {}, usage: USAGE });
const other = (member?: string): Account => ({ ...fold([...opened(), ...(member ? [attached(member)] : [])]), account: 'other' });
const left = (fields: Partial<MoveLeft>): MoveLeft => ({
  own: own(ACCOUNT),
  tree: fold(opened()),
  moved: movedTo(ACCOUNT),
  departure: null,
  destination: null,
  ...fields,
});

describe('completing a stopped move', () => {
  it('given a tree that holds the account, or an account on its own stream, completes nothing', () => {
    expect(completeMove('team', NOW, left({ tree: fold([...opened(), attached('team')]) }))).toEqual({
      own: [],
      from: [],
      to: [],
    });
    expect(completeMove('team', NOW, left({ own: own(null) }))).toEqual({ own: [], from: [], to: [] });
  });

  it('given a departure to another tree that lacks the account, attaches it there with what it took, then points its own stream at it', () => {
    const move = completeMove('team', NOW, left({ departure: departure('other'), destination: other() }));
    expect(move.to).toEqual([
      { type: 'MemberAttached', data: { account: 'other', member: 'team', parent: 'other', quotas: {}, usage: USAGE, at: NOW } },
    ]);
    expect(move.own).toEqual([{ type: 'AccountMoved', data: { ...movedTo('other'), at: NOW } }]);
  });

  it('given a departure to a tree that already took the account in, only points its own stream at it (nothing counted twice)', () => {
    const move = completeMove('team', NOW, left({ departure: departure('other'), destination: other('team') }));
    expect([move.to, move.own.map((e) => e.type)]).toEqual([[], ['AccountMoved']]);
  });

  it('given a departure back to its own stream, brings back the usage it took', () => {
    expect(completeMove('team', NOW, left({ departure: departure(null) })).own).toEqual([
      { type: 'AccountMoved', data: { ...movedTo(null, null), at: NOW } },
    ]);
  });

  it("given no departure (its own stream was fenced first), attaches it under the parent its own stream named, with that stream's usage", () => {
    expect(completeMove('team', NOW, left({})).to).toEqual([
      { type: 'MemberAttached', data: { account: ACCOUNT, member: 'team', parent: ACCOUNT, quotas: {}, usage: USAGE, at: NOW } },
    ]);
  });

  it('given no departure and a parent no longer in the tree, refuses to guess', () => {
    expect(() => completeMove('team', NOW, left({ moved: movedTo(ACCOUNT, 'gone') }))).toThrow(/lacks it and its parent/);
  });
});

describe('a departure records where the member goes and what it takes', () => {
  const tree = fold([...opened(), attached('team', USAGE)]);
  it('given a member moving to another tree, the departure names that tree and parent and carries its usage', () => {
    const move = decideParent(
      { type: 'SetParent', account: 'team', parent: 'other', now: NOW },
      { own: own(ACCOUNT), from: tree, to: other() },
    );
    expect(move.from).toEqual([
      { type: 'MemberDetached', data: { account: ACCOUNT, member: 'team', at: NOW, departure: departure('other') } },
    ]);
  });

  it('given a member detached, the departure goes back to its own stream', () => {
    const move = decideParent(
      { type: 'SetParent', account: 'team', parent: null, now: NOW },
      { own: own(ACCOUNT), from: tree, to: null },
    );
    expect(move.from[0]).toMatchObject({ data: { departure: { tree: null, parent: null, usage: USAGE } } });
  });
});
