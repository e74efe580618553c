import { gzipSync } from 'node:zlib';
import { eventually } from '../infra/infra';
import { BACKENDS, startTally, storedEventCount, unique, usageEvent, withQuota, type RunningTally } from '../support/tally';

// Issue 8, findings 5 to 7, replayed over real HTTP: bodies, query strings, times, meters and
// reversals after a remap. Terms and names: hostile-terms.e2e.spec.ts.
describe.each(BACKENDS)('hostile bodies and the smaller findings (%s)', (backend) => {
  let tally: RunningTally;
  const logs: string[] = [];
  beforeAll(async () => {
    tally = await startTally(backend, { logs });
  });
  afterAll(() => tally.destroy());

  describe('5. bodies that are not JSON', () => {
    it('refuses a form body with 415 and an empty body with 400, leaving the meter as it was', async () => {
      const meter = unique('ocr');
      const definition = { description: 'OCR pages', creditsPerUnit: 2, defaultQuota: { limit: 100 } };
      await tally.admin.put(`/v1/meters/${meter}`, definition);
      const before = await storedEventCount(tally);
      const form = await tally.admin.raw('PUT', `/v1/meters/${meter}`, 'description=x', 'application/x-www-form-urlencoded');
      expect(form.body).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect((await tally.admin.raw('PUT', `/v1/meters/${meter}`, '')).body).toMatchObject({ status: 400, code: 'EMPTY_BODY' });
      expect((await tally.admin.raw('PUT', `/v1/meters/${meter}`, '{}', 'text/plain')).status).toBe(415);
      expect((await tally.admin.raw('PUT', `/v1/meters/${meter}`, '{}', 'application/json; charset=latin1')).status).toBe(415);
      expect(await storedEventCount(tally)).toBe(before);
      await eventually(async () =>
        expect((await tally.admin.get('/v1/meters')).body.find((m: { meter: string }) => m.meter === meter)).toMatchObject(
          definition,
        ),
      );
    });

    it('accepts application/json with parameters and application/*+json types', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const event = JSON.stringify(usageEvent({ subject: account, meter, quantity: 1 }));
      expect((await tally.admin.raw('POST', '/v1/usage', event, 'application/json; charset=UTF-8')).status).toBe(200);
      expect((await tally.admin.raw('POST', '/v1/usage', event, 'application/cloudevents+json')).status).toBe(200);
    });
  });

  describe('bodies a second probe found (after the hostile-input fixes)', () => {
    it('refuses bytes that are not UTF-8 with 400 instead of merging two ids into one U+FFFD', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const before = await storedEventCount(tally);
      for (const bad of [0xff, 0xfe]) {
        const json = JSON.stringify(usageEvent({ subject: account, meter, quantity: 1, id: 'inv-@' }));
        const [head, tail] = json.split('@');
        const bytes = Buffer.concat([Buffer.from(head), Buffer.from([bad]), Buffer.from(tail)]);
        const reply = await tally.admin.send('POST', '/v1/usage', bytes, { 'content-type': 'application/json; charset=utf-8' });
        expect(reply.body).toMatchObject({ status: 400, code: 'BAD_ENCODING' });
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('refuses a JSON null (or any non-object) body with 400, leaving the meter as it was', async () => {
      const meter = unique('paid');
      await tally.admin.put(`/v1/meters/${meter}`, { description: 'Paid', creditsPerUnit: 5 });
      const before = await storedEventCount(tally);
      for (const body of ['null', '42', '"text"', 'true']) {
        expect((await tally.admin.raw('PUT', `/v1/meters/${meter}`, body)).body).toMatchObject({
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('refuses a lone surrogate in dataschema or datacontenttype with 400 naming the field, alone or in a batch', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const before = await storedEventCount(tally);
      const good = usageEvent({ subject: account, meter, quantity: 1 });
      const bad = [
        { ...usageEvent({ subject: account, meter, quantity: 1 }), dataschema: 'http://x/\ud800' },
        { ...usageEvent({ subject: account, meter, quantity: 1 }), datacontenttype: 'application/json; x="\ud800"' },
      ];
      for (const event of bad) {
        const field = 'dataschema' in event ? 'dataschema' : 'datacontenttype';
        const one = await tally.admin.raw('POST', '/v1/usage', JSON.stringify(event));
        expect(one.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field })] });
        const batch = await tally.admin.raw('POST', '/v1/usage', JSON.stringify([good, event]));
        expect(batch.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: `[1].${field}` })] });
        expect((await tally.admin.raw('POST', '/v1/usage/check', JSON.stringify(event))).status).toBe(400);
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('counts lengths in characters: an id of 256 emoji is accepted, 257 is refused', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const emoji = '\u{1F600}';
      const fits = await tally.admin.post(
        '/v1/usage',
        usageEvent({ subject: account, meter, quantity: 1, id: emoji.repeat(256) }),
      );
      expect(fits.status).toBe(200);
      const over = await tally.admin.post(
        '/v1/usage',
        usageEvent({ subject: account, meter, quantity: 1, id: emoji.repeat(257) }),
      );
      expect(over.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'id' })] });
    });
  });

  describe('6. bodies that used to crash the server', () => {
    it('refuses JSON nested thousands deep with 400', async () => {
      const deep = `${'['.repeat(4000)}${']'.repeat(4000)}`;
      expect((await tally.admin.raw('POST', '/v1/usage', deep)).body).toMatchObject({ status: 400, code: 'TOO_DEEP' });
      const deepObject = JSON.stringify({
        ...usageEvent({ subject: 'a', meter: 'm', quantity: 1 }),
        data: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`),
      });
      expect((await tally.admin.raw('POST', '/v1/usage', deepObject)).status).toBe(400);
    });

    it('refuses a body that is not the encoding it claims with 400, logging no stack trace', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const event = JSON.stringify(usageEvent({ subject: account, meter, quantity: 1 }));
      logs.length = 0;
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const reply = await fetch(`${tally.url}/v1/usage`, {
          method: 'POST',
          // With a key: without one the body is never read (401 first, test/security finding 4).
          headers: {
            authorization: `Bearer ${tally.admin.token}`,
            'content-type': 'application/json',
            'content-encoding': encoding,
          },
          body: event,
        });
        expect([encoding, reply.status]).toEqual([encoding, 400]);
        expect(await reply.json()).toMatchObject({ code: 'BAD_ENCODING' });
      }
      expect(logs.join('\n')).not.toMatch(/\n\s+at |"stack"/);
      const gzipped = await tally.admin.send('POST', '/v1/usage', gzipSync(event), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      expect(gzipped.status).toBe(200);
    });
  });

  describe('7. the smaller findings', () => {
    it.each(['1e3', '0x10', ' 7', '', '1.0', '-1'])('refuses the decisions limit %j', async (limit) => {
      const reply = await tally.admin.get(`/v1/accounts/a/decisions?limit=${encodeURIComponent(limit)}`);
      expect(reply.status).toBe(400);
    });

    it.each(['2026-02-30T10:00:00Z', '2026-04-31T10:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T10:60:00Z'])(
      'refuses the time %s instead of rolling it over',
      async (time) => {
        const reply = await tally.admin.post('/v1/usage', usageEvent({ subject: 'a', meter: 'm', quantity: 1, time }));
        expect(reply.body.errors).toContainEqual({ field: 'time', reason: expect.stringContaining('real date') });
      },
    );

    it('refuses creditsPerUnit 0, which made a meter free for every account', async () => {
      const reply = await tally.admin.put(`/v1/meters/${unique('m')}`, { creditsPerUnit: 0 });
      expect(reply.body.errors).toContainEqual({ field: 'creditsPerUnit', reason: expect.stringContaining('at least 1') });
    });

    it('reverses a usage in every account that accepted it after its subject was remapped', async () => {
      const [subject, org, meter] = [unique('s'), unique('org'), unique('m')];
      await tally.admin.put(`/v1/meters/${meter}`, { defaultQuota: { limit: null } });
      const event = usageEvent({ id: unique('job'), subject, meter, quantity: 4 });
      expect((await tally.admin.post('/v1/usage', event)).body.account).toBe(subject);
      await tally.admin.put(`/v1/subjects/${subject}`, { account: org });
      expect((await tally.admin.post('/v1/usage', event)).body.account).toBe(org);

      const reversal = await tally.admin.post('/v1/usage/reversals', { source: event.source, id: event.id });
      expect(reversal.status).toBe(200);
      expect(reversal.body.accounts.sort()).toEqual([subject, org].sort());
      await eventually(async () => {
        for (const account of [subject, org]) {
          const [decision] = (await tally.admin.get(`/v1/accounts/${account}/decisions`)).body;
          expect(decision.reversedAt).not.toBeNull();
        }
      });
      const again = await tally.admin.post('/v1/usage/reversals', { source: event.source, id: event.id });
      expect(again.body).toEqual(reversal.body);
    });
  });
  describe('bodies the probe of the credit, tree and multi-item routes found', () => {
    // Each of these held the event loop for seconds (class-validator walked an array body as an
    // object of 100,000 unknown fields; 30,000 items or alert thresholds were validated one by one,
    // the thresholds' uniqueness pairwise) before answering the same 400.
    it('refuses an array body on a route that takes an object with one 400 naming the body, writing nothing', async () => {
      const before = await storedEventCount(tally);
      const body = JSON.stringify(Array.from({ length: 100_000 }, () => 1));
      for (const [method, path] of [
        ['POST', `/v1/accounts/${unique('a')}/credits`],
        ['PUT', `/v1/accounts/${unique('a')}`],
        ['PUT', `/v1/accounts/${unique('a')}/quotas/${unique('m')}`],
        ['POST', '/v1/usage/reversals'],
      ]) {
        const reply = await tally.admin.raw(method, path, body);
        expect([path, reply.status, reply.body.errors]).toEqual([path, 400, [{ field: '', reason: 'must be a JSON object' }]]);
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('refuses an array inside a body longer than any contract allows, naming it, before its items are validated', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const before = await storedEventCount(tally);
      const many = Array.from({ length: 30_000 }, () => ({}));
      const tooMany = { field: 'data.items', reason: 'an array may hold at most 64 items; this one has 30000, 29936 more' };
      const event = { ...usageEvent({ subject: account, meter, quantity: 1 }), data: { items: many } };
      for (const path of ['/v1/usage', '/v1/usage/check', '/v1/reservations']) {
        const reply = await tally.admin.post(path, event);
        expect([path, reply.status, reply.body.errors]).toEqual([path, 400, [tooMany]]);
      }
      const commit = await tally.admin.post('/v1/reservations/commit', { source: 's', id: 'i', items: many });
      expect(commit.body.errors).toEqual([{ ...tooMany, field: 'items' }]);
      const thresholds = Array.from({ length: 100_000 }, (_, i) => i);
      const quota = await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 5, alertAt: thresholds });
      expect(quota.body.errors).toEqual([
        { field: 'alertAt', reason: 'an array may hold at most 64 items; this one has 100000, 99936 more' },
      ]);
      // A query parameter given many times is such an array too.
      const asOf = Array.from({ length: 100 }, () => 'asOf=2026-01-01T00:00:00Z').join('&');
      const grants = await tally.admin.get(`/v1/accounts/${account}/credits/grants?${asOf}`);
      expect([grants.status, grants.body.errors?.map((e: { field: string }) => e.field)]).toEqual([400, ['asOf']]);
      expect(await storedEventCount(tally)).toBe(before);
    });
  });

  describe('what the hostile-input probe found: every refusal names the part of the request at fault', () => {
    it('refuses a path that is not percent-encoded UTF-8 naming its parameter, or the path', async () => {
      const named = [
        ['GET', '/v1/accounts/%E0%A4%A/quotas', [{ field: 'account', reason: 'account must be percent-encoded UTF-8' }]],
        ['GET', '/v1/accounts/%ZZ', [{ field: 'account', reason: 'account must be percent-encoded UTF-8' }]],
        ['GET', '/v1/accounts/%E0%A4/quotas', [{ field: 'account', reason: 'account must be percent-encoded UTF-8' }]],
        [
          'PUT',
          '/v1/accounts/%C3/quotas/m%',
          [
            { field: 'account', reason: 'account must be percent-encoded UTF-8' },
            { field: 'meter', reason: 'meter must be percent-encoded UTF-8' },
          ],
        ],
        ['GET', '/v1/acc%ZZounts/a', [{ field: 'path', reason: 'the path must be percent-encoded UTF-8' }]],
      ] as const;
      for (const [method, path, errors] of named) {
        const reply = await tally.admin.send(method, path, undefined);
        expect([path, reply.status, reply.headers.get('content-type'), reply.body.errors]).toEqual([
          path,
          400,
          expect.stringMatching(/^application\/problem\+json/),
          errors,
        ]);
      }
    });

    it('refuses JSON nested too deeply naming where it got too deep, the path bounded', async () => {
      const deep = await tally.admin.raw('POST', '/v1/usage', `${'['.repeat(4000)}${']'.repeat(4000)}`);
      expect(deep.body).toMatchObject({
        status: 400,
        code: 'TOO_DEEP',
        errors: [{ field: '[0]'.repeat(32), reason: 'JSON may nest at most 32 levels' }],
      });
      const event = usageEvent({ subject: 'a', meter: 'm', quantity: 1 });
      const nested = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
      const inData = await tally.admin.raw('POST', '/v1/usage', JSON.stringify({ ...event, data: { meta: JSON.parse(nested) } }));
      expect(inData.body).toMatchObject({
        code: 'TOO_DEEP',
        errors: [{ field: `data.meta${'.a'.repeat(30)}`, reason: 'JSON may nest at most 32 levels' }],
      });
      // A key of 100,000 characters on the way is not echoed whole.
      const long = 'k'.repeat(100_000);
      const wide = await tally.admin.raw('POST', '/v1/usage', `{"${long}":${'['.repeat(40)}${']'.repeat(40)}}`);
      expect(wide.body.code).toBe('TOO_DEEP');
      expect(wide.body.errors[0].field).toMatch(/^k+…$/);
      expect(JSON.stringify(wide.body).length).toBeLessThan(2000);
    });

    it('refuses a batch over the limit naming the body, as the batch rule does, before its events are walked', async () => {
      const before = await storedEventCount(tally);
      const tooMany = { field: '', reason: 'a batch holds 1 to 1000 events, got 30000' };
      const objects = JSON.stringify(Array.from({ length: 30_000 }, () => ({})));
      for (const contentType of ['application/json', 'application/cloudevents-batch+json']) {
        const reply = await tally.admin.raw('POST', '/v1/usage', objects, contentType);
        expect([contentType, reply.status, reply.body.errors]).toEqual([contentType, 400, [tooMany]]);
      }
      // Events with reserved keys would be named one by one if they were walked first.
      const reserved = `[${Array.from({ length: 1001 }, () => '{"constructor":1}').join(',')}]`;
      const walked = await tally.admin.raw('POST', '/v1/usage', reserved);
      expect(walked.body.errors).toEqual([{ field: '', reason: 'a batch holds 1 to 1000 events, got 1001' }]);
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('answers a number of the wrong type with its type error alone', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const before = await storedEventCount(tally);
      const event = (data: object) => ({ ...usageEvent({ subject: account, meter, quantity: 1 }), data: { meter, ...data } });
      const integer = (field: string) => [{ field, reason: 'quantity must be an integer' }];
      for (const quantity of ['5', true, null, [5], { n: 5 }]) {
        for (const path of ['/v1/usage', '/v1/usage/check', '/v1/reservations']) {
          const reply = await tally.admin.post(path, event({ quantity }));
          expect([path, quantity, reply.status, reply.body.errors]).toEqual([path, quantity, 400, integer('data.quantity')]);
        }
        const batch = await tally.admin.post('/v1/usage', [event({ quantity: 1 }), event({ quantity })]);
        expect(batch.body.errors).toEqual(integer('[1].data.quantity'));
        const commit = await tally.admin.post('/v1/reservations/commit', { source: 's', id: 'i', quantity });
        const commitReason =
          quantity === null ? [{ field: 'quantity', reason: 'quantity must not be null' }] : integer('quantity');
        expect([quantity, commit.body.errors]).toEqual([quantity, commitReason]);
      }
      const ttl = await tally.admin.post('/v1/reservations', event({ quantity: 1, ttlSeconds: '60' }));
      expect(ttl.body.errors).toEqual([{ field: 'data.ttlSeconds', reason: 'ttlSeconds must be an integer from 1 to 3600' }]);
      expect(await storedEventCount(tally)).toBe(before);
    });
  });

  describe('what was left over: a route that takes one event, and one reason per field', () => {
    const ONE_EVENT = [
      ['/v1/usage/check', 'a check takes one event, not a batch'],
      ['/v1/reservations', 'a reservation takes one event, not a batch'],
    ] as const;

    it('refuses any batch on a route that takes one event with that reason, whatever its length, before walking it', async () => {
      // given batches of every size, nested arrays and events that would be named one by one if walked
      const { account, meter } = await withQuota(tally, { limit: null });
      const event = usageEvent({ subject: account, meter, quantity: 1 });
      const batches: Array<[string, string, string?]> = [
        ['2 events', JSON.stringify([event, event])],
        ['1000 events', JSON.stringify(Array.from({ length: 1000 }, () => event))],
        ['1001 events', JSON.stringify(Array.from({ length: 1001 }, () => event))],
        ['30,000 objects', JSON.stringify(Array.from({ length: 30_000 }, () => ({})))],
        ['500,001 numbers', `[${'0,'.repeat(500_000)}0]`],
        ['1001 reserved keys', `[${Array.from({ length: 1001 }, () => '{"constructor":1}').join(',')}]`],
        ['nested arrays', '[[[1]]]'],
        ['an empty array', '[]'],
        ['batch mode', JSON.stringify(event), 'application/cloudevents-batch+json'],
      ];
      const before = await storedEventCount(tally);
      for (const [path, reason] of ONE_EVENT) {
        for (const [name, body, contentType] of batches) {
          // when it is sent to the route
          const reply = await tally.admin.raw('POST', path, body, contentType);
          // then the one-event reason is the only one
          expect([path, name, reply.status, reply.body.errors]).toEqual([path, name, 400, [{ field: '', reason }]]);
        }
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('reads an array body in binary mode as the data of one event, naming data, on every usage route', async () => {
      const headers = {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': unique('bin'),
        'ce-source': 'hostile',
        'ce-type': 'metering.usage.v1',
        'ce-subject': unique('a'),
      };
      const before = await storedEventCount(tally);
      for (const path of ['/v1/usage', '/v1/usage/check', '/v1/reservations']) {
        const short = await tally.admin.send('POST', path, '[1,2]', headers, true);
        expect([path, short.status, short.body.errors]).toEqual([
          path,
          400,
          [{ field: 'data', reason: 'data must be an object' }],
        ]);
        const long = await tally.admin.send('POST', path, JSON.stringify(Array.from({ length: 2000 }, () => 1)), headers, true);
        expect([path, long.status, long.body.errors]).toEqual([
          path,
          400,
          [{ field: 'data', reason: 'an array may hold at most 64 items; this one has 2000, 1936 more' }],
        ]);
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('answers a string field of the wrong type with its type error alone, on every usage route and in a batch', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const before = await storedEventCount(tally);
      const good = () => usageEvent({ subject: account, meter, quantity: 1 });
      const bad: Array<[string, (e: ReturnType<typeof good>) => object, string]> = [
        ['subject', (e) => ({ ...e, subject: 42 }), 'subject must be a string'],
        ['id', (e) => ({ ...e, id: 42 }), 'id must be a string'],
        ['source', (e) => ({ ...e, source: 42 }), 'source must be a string'],
        ['datacontenttype', (e) => ({ ...e, datacontenttype: 42 }), 'datacontenttype must be a string'],
        ['dataschema', (e) => ({ ...e, dataschema: 42 }), 'dataschema must be a string'],
        ['data.meter', (e) => ({ ...e, data: { ...e.data, meter: 42 } }), 'meter must be a string'],
        ['data', (e) => ({ ...e, data: [] }), 'data must be an object'],
      ];
      for (const [field, spoil, reason] of bad) {
        for (const path of ['/v1/usage', '/v1/usage/check', '/v1/reservations']) {
          const reply = await tally.admin.post(path, spoil(good()));
          expect([path, reply.status, reply.body.errors]).toEqual([path, 400, [{ field, reason }]]);
        }
        const batch = await tally.admin.post('/v1/usage', [good(), spoil(good())]);
        expect(batch.body.errors).toEqual([{ field: `[1].${field}`, reason }]);
      }
      expect(await storedEventCount(tally)).toBe(before);
    });

    it('refuses the numbers JSON cannot hold or Tally cannot count, naming the field; keeps -0 an integer', async () => {
      const { account, meter } = await withQuota(tally, { limit: null });
      const json = JSON.stringify(usageEvent({ subject: account, meter, quantity: 7 }));
      const before = await storedEventCount(tally);
      const quantities: Array<[string, string]> = [
        ['1e400', 'quantity must be an integer'],
        ['-1e400', 'quantity must be an integer'],
        ['"NaN"', 'quantity must be an integer'],
        ['-0', 'quantity must be at least 1'],
        ['1e-400', 'quantity must be at least 1'],
      ];
      for (const [quantity, reason] of quantities) {
        for (const path of ['/v1/usage', '/v1/usage/check', '/v1/reservations']) {
          const reply = await tally.admin.raw('POST', path, json.replace('"quantity":7', `"quantity":${quantity}`));
          expect([path, quantity, reply.status, reply.body.errors]).toEqual([
            path,
            quantity,
            400,
            [{ field: 'data.quantity', reason }],
          ]);
        }
      }
      expect(await storedEventCount(tally)).toBe(before);
    });
  });
});
