import { describeIf, eventually, infra } from '../infra/infra';
import { BACKENDS, startTally, twoInstances, unique, usageEvent, type RunningTally } from '../support/tally';

describe.each(BACKENDS)('account trees over HTTP (%s)', (backend) => {
  let tally: RunningTally;
  beforeAll(async () => {
    tally = await startTally(backend);
  });
  afterAll(() => tally.destroy());

  /** A root with a quota of `limit` on a new meter, and `children` attached under it. */
  const treeOf = async (limit: number, children = 2) => {
    const [root, meter] = [unique('org'), unique('m')];
    await tally.admin.put(`/v1/accounts/${root}/quotas/${meter}`, { limit });
    const kids = Array.from({ length: children }, () => unique('team'));
    for (const kid of kids) {
      const attached = await tally.admin.put(`/v1/accounts/${kid}`, { parent: root });
      expect([attached.status, attached.body]).toEqual([200, { account: kid, parent: root, children: [], depth: 2 }]);
    }
    return { root, meter, kids };
  };

  it('attaches, reads and detaches an account', async () => {
    const { root, kids } = await treeOf(10);
    const grandchild = unique('dev');
    expect((await tally.admin.put(`/v1/accounts/${grandchild}`, { parent: kids[0] })).body).toEqual({
      account: grandchild,
      parent: kids[0],
      children: [],
      depth: 3,
    });
    expect((await tally.admin.get(`/v1/accounts/${root}`)).body).toEqual({
      account: root,
      parent: null,
      children: [...kids].sort(),
      depth: 1,
    });
    expect((await tally.admin.get(`/v1/accounts/${kids[0]}`)).body).toEqual({
      account: kids[0],
      parent: root,
      children: [grandchild],
      depth: 2,
    });
    // Repeating a done move changes nothing.
    expect((await tally.admin.put(`/v1/accounts/${grandchild}`, { parent: kids[0] })).status).toBe(200);
    const detached = await tally.admin.put(`/v1/accounts/${grandchild}`, { parent: null });
    expect([detached.status, detached.body]).toEqual([200, { account: grandchild, parent: null, children: [], depth: 1 }]);
    expect((await tally.admin.get(`/v1/accounts/${kids[0]}`)).body.children).toEqual([]);
  });

  it('refuses cycles, a fifth level, a child holding credits and a grant to a child (409)', async () => {
    const { root, kids } = await treeOf(10, 1);
    const l3 = unique('l3');
    const l4 = unique('l4');
    await tally.admin.put(`/v1/accounts/${l3}`, { parent: kids[0] });
    await tally.admin.put(`/v1/accounts/${l4}`, { parent: l3 });
    const codeOf = async (account: string, parent: string) => {
      const reply = await tally.admin.put(`/v1/accounts/${account}`, { parent });
      return [reply.status, reply.body.code];
    };
    expect(await codeOf(kids[0], l4)).toEqual([409, 'CYCLE']);
    expect(await codeOf(root, l3)).toEqual([409, 'CYCLE']);
    expect(await codeOf(unique('l5'), l4)).toEqual([409, 'TOO_DEEP']);
    const rich = unique('rich');
    await tally.admin.post(`/v1/accounts/${rich}/credits`, { amount: 5 });
    expect(await codeOf(rich, root)).toEqual([409, 'HAS_BALANCE']);
    const grant = await tally.admin.post(`/v1/accounts/${kids[0]}/credits`, { amount: 5 });
    expect([grant.status, grant.body.code]).toEqual([409, 'NOT_A_PAYER']);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const account = unique('a');
    for (const body of [{ parent: account }, {}, { parent: 7 }, { parent: 'bad/name' }, { parent: 'x', extra: 1 }]) {
      const reply = await tally.admin.put(`/v1/accounts/${account}`, body);
      expect([JSON.stringify(body), reply.status, reply.headers.get('content-type')]).toEqual([
        JSON.stringify(body),
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(JSON.stringify(reply.body.errors)).toMatch(/parent|extra/);
    }
    expect((await tally.admin.put(`/v1/accounts/${account}`, { parent: account })).body.errors).toEqual([
      { field: 'parent', reason: 'must not be the account itself' },
    ]);
  });

  it('refuses a sibling once one child exhausted the parent, naming the parent', async () => {
    const { root, meter, kids } = await treeOf(10);
    await tally.admin.put(`/v1/accounts/${kids[1]}/quotas/${meter}`, { limit: 100 });
    const first = await tally.admin.post('/v1/usage', usageEvent({ subject: kids[0], meter, quantity: 10 }));
    // The parent's quota is not the child's: without one of its own (or a meter default) the child is refused.
    expect(first.status).toBe(402);
    expect(first.body).toMatchObject({ reason: 'NO_QUOTA', limitedBy: kids[0] });
    await tally.admin.put(`/v1/accounts/${kids[0]}/quotas/${meter}`, { limit: 100 });
    const usage = usageEvent({ subject: kids[0], meter, quantity: 10 });
    const exhausting = await tally.admin.post('/v1/usage', usage);
    expect([exhausting.status, exhausting.body.account, exhausting.body.usage]).toEqual([200, kids[0], 10]);
    // A redelivery is answered with the original decision and counts nothing.
    expect(await tally.admin.post('/v1/usage', usage)).toMatchObject({ status: 200, body: exhausting.body });
    const sibling = await tally.admin.post('/v1/usage', usageEvent({ subject: kids[1], meter, quantity: 1 }));
    expect([sibling.status, sibling.body.reason, sibling.body.limitedBy]).toEqual([402, 'QUOTA_EXCEEDED', root]);
  });

  it('charges a child usage to the root, which pays', async () => {
    const { root, kids } = await treeOf(1000, 1);
    const priced = unique('ocr');
    await tally.admin.put(`/v1/meters/${priced}`, { creditsPerUnit: 2 });
    await tally.admin.post(`/v1/accounts/${root}/credits`, { amount: 10 });
    expect((await tally.admin.post('/v1/usage', usageEvent({ subject: kids[0], meter: priced, quantity: 4 }))).status).toBe(200);
    const broke = await tally.admin.post('/v1/usage', usageEvent({ subject: kids[0], meter: priced, quantity: 2 }));
    expect([broke.status, broke.body.reason, broke.body.limitedBy]).toEqual([402, 'INSUFFICIENT_CREDITS', root]);
    await eventually(async () => {
      expect((await tally.admin.get(`/v1/accounts/${root}/credits`)).body).toMatchObject({ balance: 2, spent: 8 });
      expect((await tally.admin.get(`/v1/accounts/${kids[0]}/credits`)).body).toMatchObject({ balance: 0, spent: 0 });
    });
  });

  it('lets 100 concurrent requests to two children never take the parent past its hard limit', async () => {
    const { meter, kids } = await treeOf(50);
    for (const kid of kids) await tally.admin.put(`/v1/accounts/${kid}/quotas/${meter}`, { limit: 1000 });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        tally.admin.post('/v1/usage', usageEvent({ subject: kids[i % 2], meter, quantity: 1 })),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(50);
    expect(replies.filter((r) => r.status === 402 && r.body.reason === 'QUOTA_EXCEEDED')).toHaveLength(50);
  });
});

describeIf(infra.postgresUrl, 'account trees across two api instances on one PostgreSQL', () => {
  const instances = twoInstances();

  it('lets 100 concurrent requests to two children, split between the instances, never take the parent past its limit', async () => {
    const { first, second } = instances;
    const [root, meter, a, b] = [unique('org'), unique('m'), unique('team'), unique('team')];
    await first.admin.put(`/v1/accounts/${root}/quotas/${meter}`, { limit: 50 });
    for (const kid of [a, b]) {
      await first.admin.put(`/v1/accounts/${kid}`, { parent: root });
      await second.admin.put(`/v1/accounts/${kid}/quotas/${meter}`, { limit: 40 });
    }
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? first : second).admin.post('/v1/usage', usageEvent({ subject: i % 4 < 2 ? a : b, meter, quantity: 1 })),
      ),
    );
    const accepted = replies.filter((r) => r.status === 200);
    expect(accepted).toHaveLength(50);
    for (const kid of [a, b]) expect(accepted.filter((r) => r.body.account === kid).length).toBeLessThanOrEqual(40);
    const refusedBy = new Set(replies.filter((r) => r.status === 402).map((r) => r.body.limitedBy));
    expect([...refusedBy].every((level) => [root, a, b].includes(level))).toBe(true);
  });
});
