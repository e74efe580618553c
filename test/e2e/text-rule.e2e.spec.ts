import { BACKENDS, startTally, storedEventCount, unique, usageEvent, type RunningTally } from '../support/tally';

// docs/contract.md §2.5: every id, source, name, description and reason is text without control
// characters and with valid Unicode. PostgreSQL refuses NUL and lone surrogates, so each must
// be a 400 naming the field, never a 500, and never fail a neighbour's request.
const HOSTILE = [
  ['NUL', 'a\u0000b'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', '\udc00'],
  ['a bell', 'ding\u0007'],
  ['DEL', 'x\u007f'],
  ['a C1 control', 'x\u0085'],
  ['a newline', 'two\nlines'],
] as const;

describe.each(BACKENDS)('one text rule for every name and free text (%s)', (backend) => {
  let tally: RunningTally;
  let account: string;
  let meter: string;
  beforeAll(async () => {
    tally = await startTally(backend);
    [account, meter] = [unique('a'), unique('m')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: null });
  });
  afterAll(() => tally.destroy());

  const routes = (text: string): Array<[string, string, string, unknown]> => [
    ['POST', '/v1/usage', 'id', usageEvent({ id: text, subject: account, meter, quantity: 1 })],
    ['POST', '/v1/usage', 'source', usageEvent({ source: text, subject: account, meter, quantity: 1 })],
    ['POST', '/v1/usage', '[0].id', [usageEvent({ id: text, subject: account, meter, quantity: 1 })]],
    ['POST', '/v1/usage/check', 'source', usageEvent({ source: text, subject: account, meter, quantity: 1 })],
    ['POST', `/v1/accounts/${account}/credits`, 'reason', { amount: 1, reason: text }],
    ['POST', `/v1/accounts/${account}/credits`, 'id', { amount: 1, id: text }],
    ['POST', '/v1/api-keys', 'name', { name: text, role: 'producer' }],
    ['POST', '/v1/api-keys', 'source', { name: 'k', role: 'producer', source: text }],
    ['PUT', `/v1/meters/${meter}`, 'description', { description: text }],
    ['POST', '/v1/usage/reversals', 'reason', { source: 's', id: 'i', reason: text }],
    ['POST', '/v1/usage/reversals', 'id', { source: 's', id: text }],
  ];

  it.each(HOSTILE)('refuses %s in every text field with 400 naming it, appending nothing', async (_name, text) => {
    for (const [method, path, field, body] of routes(text)) {
      const before = await storedEventCount(tally);
      const reply = await tally.admin.raw(method, path, JSON.stringify(body));
      expect([method, path, field, reply.status]).toEqual([method, path, field, 400]);
      expect(reply.body.errors).toContainEqual({ field, reason: expect.stringContaining('control characters') });
      expect(await storedEventCount(tally)).toBe(before);
    }
  });

  it('accepts ordinary Unicode (accents, CJK, emoji as surrogate pairs)', async () => {
    const id = unique('żółw-日本-🐢');
    const reply = await tally.admin.post('/v1/usage', usageEvent({ id, source: 'café', subject: account, meter, quantity: 1 }));
    expect(reply.body).toMatchObject({ id, source: 'café', decision: 'accepted' });
  });

  it('decides 29 good requests sent together with one bad one, failing only the bad one', async () => {
    const events = Array.from({ length: 30 }, (_, i) =>
      usageEvent({ id: i === 7 ? `bad-\u0000-${unique('x')}` : unique('good'), subject: account, meter, quantity: 1 }),
    );
    const replies = await Promise.all(events.map((e) => tally.admin.post('/v1/usage', e)));
    expect(replies.map((r) => r.status)).toEqual(events.map((_, i) => (i === 7 ? 400 : 200)));
  });
});
