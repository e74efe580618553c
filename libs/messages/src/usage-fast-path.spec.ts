import { validUsageEvent, MAX_QUANTITY } from './usage-fast-path';
import { UsageCloudEvent } from './usage-message';
import { validateAs } from './validation';

const valid = {
  specversion: '1.0',
  id: 'u-1',
  source: 'geocoder',
  type: 'metering.usage.v1',
  subject: 'alice',
  data: { meter: 'geocoding', quantity: 3 },
};

// Values at and around each rule's edges, wrong types, null and absence.
const EDGES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x',
  'é',
  'a\u0000b',
  '\ud800',
  'x'.repeat(257),
  '1.0',
  1,
  0,
  -1,
  1.5,
  MAX_QUANTITY,
  MAX_QUANTITY + 1,
  true,
  {},
  [],
  ['x'],
  { meter: 'm' },
  'metering.usage.v1',
  '-bad',
  'ok.name:x@y-z',
  '2026-11-22T10:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-11-22 10:00:00+01:00',
  '2026-11-22T24:00:00Z',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'https://example.com/s',
  'not a uri',
];

const variants = (base: Record<string, unknown>) =>
  Object.keys({ ...base, time: 0, datacontenttype: 0, dataschema: 0, data_base64: 0, extra: 0 }).flatMap((key) =>
    EDGES.map((value) => ({ ...base, [key]: value })),
  );

const dataVariants = ['meter', 'quantity', 'unit'].flatMap((key) =>
  EDGES.map((value) => ({ ...valid, data: { ...valid.data, [key]: value } })),
);

describe('the usage fast path', () => {
  it('accepts the common valid events, with or without the optional attributes', () => {
    const full = { ...valid, time: '2026-11-22T10:00:00Z', datacontenttype: 'application/json', dataschema: 'urn:x' };
    expect(validUsageEvent(valid)).toBe(valid);
    expect(validUsageEvent(full)).toBe(full);
  });

  it('accepts only events the contract accepts, so every refusal still comes from the contract', () => {
    const cases = [...variants(valid), ...dataVariants];
    const disagreements = cases.filter((event) => {
      const fast = validUsageEvent(event as Record<string, unknown>) !== null;
      const slow = validateAs(UsageCloudEvent, event);
      const validDate = !('time' in event) || event.time === undefined || !Number.isNaN(Date.parse(String(event.time)));
      return fast && !(slow.ok && validDate);
    });
    expect(disagreements).toEqual([]);
    // and it is the hot path: most valid cases take it
    const acceptedBySlow = cases.filter((event) => validateAs(UsageCloudEvent, event).ok);
    const acceptedByFast = cases.filter((event) => validUsageEvent(event as Record<string, unknown>) !== null);
    expect(acceptedByFast.length).toBeGreaterThan(acceptedBySlow.length / 2);
  });
});
