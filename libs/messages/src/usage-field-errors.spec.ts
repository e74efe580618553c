import { NAME_RULE } from '@tally/events';
import { parseHoldMessage, parseUsageBatch, parseUsageMessage } from './usage-contract';
import type { FieldError, Validated } from './validation';
import { validUsage } from './testing/usage-event';

// One fault, one reason: a field of the wrong JSON type is told its type alone, on every path the
// usage contract is read by (one event over HTTP or Kafka, a batch, a reservation).

const valid = validUsage;
const multiItem = {
  ...valid,
  data: {
    items: [
      { meter: 'in', quantity: 1 },
      { meter: 'out', quantity: 2 },
    ],
  },
};

/** `event` with `value` at `path` (`data.meter`, `data.items.0.meter`); undefined leaves the member out. */
function withField(event: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  const keys = path.split('.');
  let at = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  if (value === undefined) delete at[keys.at(-1)!];
  else at[keys.at(-1)!] = value;
  return copy;
}

const errorsOf = (parsed: Validated<unknown>): FieldError[] => (parsed.ok ? [] : parsed.errors);

// field, event it is set in, the reason its type error gives
const STRING_FIELDS: Array<[string, object, string]> = [
  ['id', valid, 'id must be a string'],
  ['source', valid, 'source must be a string'],
  ['subject', valid, 'subject must be a string'],
  ['specversion', valid, 'specversion must be "1.0"'],
  ['type', valid, 'type must be "metering.usage.v1"'],
  ['time', valid, 'time must be an RFC 3339 timestamp of a real date and time'],
  ['datacontenttype', valid, 'datacontenttype must be a string'],
  ['dataschema', valid, 'dataschema must be a string'],
  ['data.meter', valid, 'meter must be a string'],
  ['data.items.0.meter', multiItem, 'meter must be a string'],
];
const WRONG_TYPES: unknown[] = [42, -0, true, [], [['a']], {}];
const field = (path: string) => path.replace(/\.(\d+)\./g, '[$1].');

describe('a usage event with a field of the wrong type', () => {
  describe.each(STRING_FIELDS)('given %s', (path, event, reason) => {
    it.each(WRONG_TYPES)('when it is %j, then parsing it names the field once, with its type error', (value) => {
      const bad = withField(event, path, value);
      const one = [{ field: field(path), reason }];
      expect(errorsOf(parseUsageMessage(bad))).toEqual(one);
      expect(errorsOf(parseHoldMessage(bad))).toEqual(one);
      expect(errorsOf(parseUsageBatch([valid, bad]))).toEqual([{ field: `[1].${field(path)}`, reason }]);
    });
  });

  it.each(['id', 'source', 'subject', 'specversion', 'type', 'data.meter', 'data.items.0.meter'])(
    'given no %s, when it is parsed, then the missing field is named once',
    (path) => {
      const event = path.includes('items') ? multiItem : valid;
      const errors = errorsOf(parseUsageMessage(withField(event, path, undefined)));
      expect(errors.map((e) => e.field)).toEqual([field(path)]);
    },
  );

  it.each(['subject', 'data.meter', 'data.items.0.meter'])(
    'given %s that is a string but not a name, when it is parsed, then the name rule is its one reason',
    (path) => {
      const event = path.includes('items') ? multiItem : valid;
      const errors = errorsOf(parseUsageMessage(withField(event, path, 'has space')));
      const name = path.endsWith('subject') ? 'subject' : 'meter';
      expect(errors).toEqual([{ field: field(path), reason: `${name} ${NAME_RULE}` }]);
    },
  );

  it.each([null, [], [[[]]], 'NaN', 42])(
    'given data %j, when it is parsed, then data is named once: it must be an object',
    (data) => {
      const reason = [{ field: 'data', reason: 'data must be an object' }];
      expect(errorsOf(parseUsageMessage({ ...valid, data }))).toEqual(reason);
      expect(errorsOf(parseHoldMessage({ ...valid, data }))).toEqual(reason);
    },
  );

  it.each([
    ['datacontenttype', 'application/json; a=\u0001'],
    ['dataschema', 'https://example.com/\u0001'],
  ])('given %s with a control character, when it is parsed, then the field is named once', (name, value) => {
    const errors = errorsOf(parseUsageMessage({ ...valid, [name]: value }));
    expect(errors).toEqual([{ field: name, reason: `${name} must be text without control characters and with valid Unicode` }]);
  });
});
