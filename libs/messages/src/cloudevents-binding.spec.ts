import { CloudEvent, HTTP } from 'cloudevents';
import { eventFromHttp, fromHttpMessage, isHttpBatch, mediaType, repeatedAttributeHeaders } from './cloudevents-binding';
import { parseUsageMessage } from './usage-contract';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const usage = (extra: Record<string, unknown> = {}) =>
  new CloudEvent({
    id: 'u-1',
    source: 'geocoder',
    type: 'metering.usage.v1',
    subject: 'alice',
    time: '2026-11-22T10:00:00Z',
    data: { meter: 'geocoding', quantity: 3 },
    ...extra,
  });

// What Fastify hands the controller: header names lower-cased, the JSON body parsed.
const received = (message: { headers: Record<string, unknown>; body: unknown }) => ({
  headers: Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k.toLowerCase(), String(v)])),
  body: typeof message.body === 'string' ? JSON.parse(message.body) : message.body,
});

const decoded = (headers: Record<string, string>, body: unknown) => {
  const message = fromHttpMessage(headers, body);
  if (message.batch) throw new Error('expected one event');
  return parseUsageMessage(message.event);
};

describe('the CloudEvents HTTP binding', () => {
  it('reads binary mode as the SDK sends it: ce- headers, data as the body', () => {
    const { headers, body } = received(HTTP.binary(usage({ traceparent: TRACE })));
    expect(decoded(headers, body)).toEqual({
      ok: true,
      value: {
        source: 'geocoder',
        id: 'u-1',
        subject: 'alice',
        meter: 'geocoding',
        quantity: 3,
        time: '2026-11-22T10:00:00.000Z',
        datacontenttype: 'application/json; charset=utf-8',
        extensions: { traceparent: TRACE },
      },
    });
  });

  it('reads structured mode with dataschema and a media type with parameters, and keeps them', () => {
    const event = usage({
      dataschema: 'https://schemas.example.com/usage.json',
      datacontenttype: 'application/json; charset=utf-8',
    });
    const { headers, body } = received(HTTP.structured(event));
    expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(decoded(headers, body)).toMatchObject({
      ok: true,
      value: { dataschema: 'https://schemas.example.com/usage.json', datacontenttype: 'application/json; charset=utf-8' },
    });
  });

  it('reads batch mode as a list of events, and a plain JSON array likewise', () => {
    const events = [JSON.parse(usage().toString()), JSON.parse(usage({ id: 'u-2' }).toString())];
    expect(fromHttpMessage({ 'content-type': 'application/cloudevents-batch+json' }, events)).toMatchObject({
      batch: true,
      events: [{ id: 'u-1' }, { id: 'u-2' }],
    });
    expect(fromHttpMessage({ 'content-type': 'application/json' }, events)).toMatchObject({ batch: true });
  });

  it('tells a batch by its media type or an array body alone, reading none of its events', () => {
    // given an array body of 500,000 items that counts every item read
    let reads = 0;
    const huge = new Proxy(new Array<unknown>(500_000).fill({}), {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    // when the binding is asked whether it, or an object sent as batch mode, is a batch
    const asBatch = isHttpBatch({ 'content-type': 'application/json', traceparent: TRACE }, huge);
    const batchMode = isHttpBatch({ 'content-type': 'application/cloudevents-batch+json' }, { id: 'u-1' });
    // then both are, and no item was read
    expect([asBatch, batchMode, reads]).toEqual([true, true, 0]);
  });

  it('reads an array body in binary mode as the data of one event, not a batch', () => {
    const headers = { 'ce-specversion': '1.0', 'ce-id': 'u-1', 'content-type': 'application/json' };
    expect(isHttpBatch(headers, [1, 2])).toBe(false);
    expect(eventFromHttp(headers, [1, 2])).toMatchObject({ id: 'u-1', data: [1, 2] });
    expect(fromHttpMessage(headers, [1, 2])).toMatchObject({ batch: false, event: { data: [1, 2] } });
  });

  it('keeps the request traceparent header unless the event carries its own', () => {
    const own = fromHttpMessage({ traceparent: 'from-header' }, { ...JSON.parse(usage({ traceparent: TRACE }).toString()) });
    const inherited = fromHttpMessage({ traceparent: TRACE }, JSON.parse(usage().toString()));
    expect(own).toMatchObject({ event: { traceparent: TRACE } });
    expect(inherited).toMatchObject({ event: { traceparent: TRACE } });
  });

  it('defaults nothing: a binary message without ce-id is refused for its missing id', () => {
    const { headers, body } = received(HTTP.binary(usage()));
    delete headers['ce-id'];
    const result = decoded(headers, body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toContain('id');
  });

  it('refuses extension values outside the CloudEvents type system and names that cannot be attributes', () => {
    const result = parseUsageMessage({ ...JSON.parse(usage().toString()), nested: { a: 1 }, Bad_Name: 'x', ratio: 0.5 });
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['Bad_Name', 'nested', 'ratio']);
  });

  it('refuses a datacontenttype that is not JSON and a dataschema that is not a URI', () => {
    const result = parseUsageMessage({
      ...JSON.parse(usage().toString()),
      datacontenttype: 'text/plain',
      dataschema: 'not a uri',
    });
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['datacontenttype', 'dataschema']);
  });

  it('compares media types without their parameters', () => {
    expect(mediaType('Application/CloudEvents+JSON; charset=utf-8')).toBe('application/cloudevents+json');
    expect(mediaType(undefined)).toBeUndefined();
  });
});

describe('repeated attribute headers', () => {
  it('are the ce- headers given more than once, whatever their case', () => {
    expect(
      repeatedAttributeHeaders({
        'ce-id': ['a', 'b'],
        'CE-Source': ['s1', 's2', 's3'],
        'ce-type': ['metering.usage.v1'],
        accept: ['a', 'b'],
      }),
    ).toEqual(['ce-id', 'ce-source']);
    expect(repeatedAttributeHeaders({ 'ce-id': ['a'], 'ce-source': ['s'] })).toEqual([]);
  });
});
