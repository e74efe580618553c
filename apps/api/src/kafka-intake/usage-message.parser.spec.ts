import { CloudEvent, Kafka } from 'cloudevents';
import { parseKafkaUsage } from './usage-message.parser';
import { validUsage } from '@tally/messages/testing';

const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const sdkEvent = new CloudEvent({
  id: 'u-9',
  source: 'geocoder',
  type: 'metering.usage.v1',
  subject: 'alice',
  time: '2026-11-22T10:00:00Z',
  dataschema: 'https://schemas.example.com/usage.json',
  data: { meter: 'geocoding', quantity: 3 },
});

// kafkajs delivers header values as Buffers and the value as bytes.
function asDelivered(message: { headers: Record<string, unknown>; value: unknown }) {
  const headers = Object.fromEntries(
    Object.entries(message.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Buffer.from(String(v))]])),
  );
  const value = typeof message.value === 'string' ? message.value : JSON.stringify(message.value);
  return { headers, value: Buffer.from(value) };
}

const structured = validUsage;

describe('reading metering.usage.v1 messages', () => {
  it('reads a structured-mode CloudEvent', () => {
    expect(parseKafkaUsage(Buffer.from(JSON.stringify(structured)))).toEqual({
      ok: true,
      request: { source: 'geocoder', id: 'u-1', subject: 'alice', meter: 'geocoding', quantity: 3, time: null },
    });
  });

  it('reads a binary-mode CloudEvent from ce_ headers', () => {
    const headers = {
      ce_specversion: Buffer.from('1.0'),
      ce_id: Buffer.from('u-2'),
      ce_source: Buffer.from('ocr'),
      ce_type: Buffer.from('metering.usage.v1'),
      ce_subject: Buffer.from('bob'),
      ce_time: Buffer.from('2026-11-22T10:00:00Z'),
    };
    expect(parseKafkaUsage(Buffer.from('{"meter":"ocr","quantity":2}'), headers)).toEqual({
      ok: true,
      request: { source: 'ocr', id: 'u-2', subject: 'bob', meter: 'ocr', quantity: 2, time: '2026-11-22T10:00:00.000Z' },
    });
  });

  it('names why a message cannot be decided', () => {
    expect(parseKafkaUsage(null)).toMatchObject({ ok: false, rejection: { code: 'EMPTY_MESSAGE' } });
    expect(parseKafkaUsage(Buffer.from('{"id":'))).toMatchObject({ ok: false, rejection: { code: 'MALFORMED_JSON' } });
    const invalid = parseKafkaUsage(
      Buffer.from(JSON.stringify({ ...structured, data: { meter: 'geocoding', quantity: 1.5 }, Extra_Field: 1 })),
    );
    expect(invalid).toEqual({
      ok: false,
      rejection: { code: 'VALIDATION_FAILED', detail: 'Extra_Field: unknown field; data.quantity: quantity must be an integer' },
    });
  });

  it.each([
    ['binary', Kafka.binary(sdkEvent)],
    ['structured', Kafka.structured(sdkEvent)],
  ])('keeps a ce_traceparent header and dataschema of an SDK %s-mode message', (_mode, message) => {
    const { headers, value } = asDelivered(message as never);
    const parsed = parseKafkaUsage(value, { ...headers, ce_traceparent: Buffer.from(TRACE) });
    expect(parsed).toMatchObject({
      ok: true,
      request: {
        id: 'u-9',
        quantity: 3,
        dataschema: 'https://schemas.example.com/usage.json',
        extensions: { traceparent: TRACE },
      },
    });
  });
});

describe('Kafka values and headers a second probe found', () => {
  it('dead-letters a value that is not UTF-8 instead of merging ids into U+FFFD', () => {
    const [head, tail] = JSON.stringify({ ...structured, id: 'inv-@' }).split('@');
    const value = Buffer.concat([Buffer.from(head), Buffer.from([0xff]), Buffer.from(tail)]);
    expect(parseKafkaUsage(value, {})).toMatchObject({ ok: false, rejection: { code: 'MALFORMED_JSON' } });
  });

  it('refuses a binary-mode attribute header that is not UTF-8, naming it', () => {
    const headers = { ce_specversion: Buffer.from('1.0'), ce_id: Buffer.from([0x69, 0xfe]), ce_source: Buffer.from('geocoder') };
    const parsed = parseKafkaUsage(Buffer.from(JSON.stringify(structured.data)), headers);
    expect(parsed).toMatchObject({ ok: false, rejection: { code: 'VALIDATION_FAILED', detail: 'ce_id: header is not UTF-8' } });
  });

  it('refuses top-level __proto__ and constructor members as HTTP does', () => {
    for (const member of ['"__proto__":{"x":1}', '"constructor":"x"']) {
      const value = Buffer.from(`{${member},${JSON.stringify(structured).slice(1)}`);
      expect(parseKafkaUsage(value, {})).toMatchObject({ ok: false, rejection: { code: 'VALIDATION_FAILED' } });
    }
  });

  it.each([
    ['subject', 42, 'subject: subject must be a string'],
    ['meter', 42, 'data.meter: meter must be a string'],
    ['datacontenttype', true, 'datacontenttype: datacontenttype must be a string'],
    ['data', [1, 2], 'data: data must be an object'],
  ])('given %s of the wrong type, when it is read, then the dead letter gives its type error alone', (name, value, detail) => {
    const event =
      name === 'meter' ? { ...structured, data: { ...structured.data, meter: value } } : { ...structured, [name]: value };
    expect(parseKafkaUsage(Buffer.from(JSON.stringify(event)), {})).toEqual({
      ok: false,
      rejection: { code: 'VALIDATION_FAILED', detail },
    });
  });

  it('given a structured-mode value that is a JSON array, when it is read, then it is dead-lettered as not one event', () => {
    const parsed = parseKafkaUsage(Buffer.from(JSON.stringify([structured, structured])), {});
    expect(parsed).toEqual({ ok: false, rejection: { code: 'VALIDATION_FAILED', detail: 'must be a JSON object' } });
  });
});

describe('structured-mode messages whose headers say nothing about the event', () => {
  it('given only a content-type header, when it is read, then the request is the value’s event as before', () => {
    const headers = { 'content-type': Buffer.from('application/cloudevents+json') };
    expect(parseKafkaUsage(Buffer.from(JSON.stringify(structured)), headers)).toEqual({
      ok: true,
      request: { source: 'geocoder', id: 'u-1', subject: 'alice', meter: 'geocoding', quantity: 3, time: null },
    });
  });

  it('given a header of any name that is not UTF-8, when it is read, then it is refused naming that header', () => {
    const headers = { 'content-type': Buffer.from('application/json'), 'x-blob': Buffer.from([0xc3, 0x28]) };
    expect(parseKafkaUsage(Buffer.from(JSON.stringify(structured)), headers)).toEqual({
      ok: false,
      rejection: { code: 'VALIDATION_FAILED', detail: 'x-blob: header is not UTF-8' },
    });
  });

  it('given a trace context or an attribute header in another case, when it is read, then it is still kept', () => {
    const upper = parseKafkaUsage(Buffer.from(JSON.stringify(structured)), { Traceparent: Buffer.from(TRACE) });
    const attribute = parseKafkaUsage(Buffer.from(JSON.stringify(structured)), { CE_traceparent: Buffer.from(TRACE) });
    expect(upper).toMatchObject({ ok: true, request: { extensions: { traceparent: TRACE } } });
    expect(attribute).toMatchObject({ ok: true, request: { extensions: { traceparent: TRACE } } });
  });
});

describe('headers without a value (null: Kafka allows them, kafkajs reads them so)', () => {
  it('given a structured usage with valueless headers, bound or not, when it is read, then they say nothing', () => {
    // given a producer that sent headers without a value, one named as a CloudEvents attribute
    const headers = { 'x-empty': null, ce_id: null, traceparent: [null] };

    // when the message is read
    const parsed = parseKafkaUsage(Buffer.from(JSON.stringify(structured)), headers);

    // then the request is the value's event, as without those headers (no failure, no rejection)
    expect(parsed).toEqual({
      ok: true,
      request: { source: 'geocoder', id: 'u-1', subject: 'alice', meter: 'geocoding', quantity: 3, time: null },
    });
  });

  it('given a binary-mode usage whose subject header has no value, when it is read, then it is refused naming subject', () => {
    // given binary mode (attributes in ce_ headers) with ce_subject sent without a value
    const { headers, value } = asDelivered(Kafka.binary(sdkEvent) as never);
    const parsed = parseKafkaUsage(value, { ...headers, ce_subject: null });

    // then it is a validation failure that names the attribute, as if the header were absent
    expect(parsed).toMatchObject({ ok: false, rejection: { code: 'VALIDATION_FAILED' } });
    expect((parsed as { rejection: { detail: string } }).rejection.detail).toMatch(/subject/);
  });
});
