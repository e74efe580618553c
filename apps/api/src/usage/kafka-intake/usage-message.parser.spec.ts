import { parseKafkaUsage } from './usage-message.parser';

const structured = {
  specversion: '1.0',
  id: 'u-1',
  source: 'geocoder',
  type: 'metering.usage.v1',
  subject: 'alice',
  data: { meter: 'geocoding', quantity: 3 },
};

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
      Buffer.from(JSON.stringify({ ...structured, data: { meter: 'geocoding', quantity: 1.5 }, extra: 1 })),
    );
    expect(invalid).toEqual({
      ok: false,
      rejection: { code: 'VALIDATION_FAILED', detail: 'extra: unknown field; data.quantity: quantity must be an integer' },
    });
  });
});
