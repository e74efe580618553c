import { serialize, type UsageAccepted, type UsageDecisionData, type UsageRejected } from '@tally/events';
import { decisionRecord } from './decision-records';
import { storedGrant } from './testing/events';

const decision: UsageDecisionData = {
  account: 'acme',
  source: 'geocoder',
  id: 'u-1',
  subject: 'alice',
  meter: 'geocoding',
  quantity: 3,
  time: '2026-11-22T10:00:00.000Z',
  month: '2026-11',
  usage: 3,
  limit: 10,
  remaining: 7,
  overage: 0,
  decidedAt: '2026-11-22T10:00:00.100Z',
  reportedBy: 'kafka',
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** The record of {@link decision}, with `fields`, stored accepted (no credits charged). */
const acceptedRecord = (fields: Partial<UsageAccepted['data']> = {}) =>
  decisionRecord(serialize({ type: 'UsageAccepted', data: { ...decision, creditsCharged: 0, ...fields } }));
/** The record of {@link decision}, with `fields`, stored rejected. */
const rejectedRecord = (fields: Partial<UsageDecisionData> & Pick<UsageRejected['data'], 'reason'>) =>
  decisionRecord(serialize({ type: 'UsageRejected', data: { ...decision, ...fields } }));

describe('the published form of a stored decision', () => {
  it('is keyed by subject with the usage as the CloudEvents identity', () => {
    const record = acceptedRecord();
    expect(record?.key).toBe('alice');
    expect(record?.headers).toMatchObject({ ce_type: 'metering.decision.v1', ce_source: 'geocoder', ce_id: 'u-1' });
    expect(record?.headers).not.toHaveProperty('ce_traceparent');
    expect(JSON.parse(record!.value)).toMatchObject({ decision: 'accepted', quantity: 3 });
  });

  it('carries the usage trace context on as ce_traceparent', () => {
    const record = rejectedRecord({ reason: 'QUOTA_EXCEEDED', extensions: { traceparent: TRACEPARENT } });
    expect(record?.headers.ce_traceparent).toBe(TRACEPARENT);
  });

  it('publishes the fields in the contract order, each optional one only when the usage has it', () => {
    const plain = acceptedRecord();
    expect(Object.keys(JSON.parse(plain!.value))).toEqual([
      'id',
      'source',
      'subject',
      'account',
      'meter',
      'quantity',
      'decision',
      'overage',
      'usage',
      'limit',
      'remaining',
      'decidedAt',
    ]);
    const full = {
      reason: 'RATE_LIMITED' as const,
      limitedBy: 'parent',
      retryAfterMs: 250,
      items: [{ meter: 'geocoding', quantity: 3, usage: 3, limit: 10, remaining: 7, overage: 0, credits: 0, period: '2026-11' }],
      datacontenttype: 'application/json',
      dataschema: 'https://example.com/usage',
      extensions: { traceparent: TRACEPARENT },
    };
    const rejected = JSON.parse(rejectedRecord(full)!.value);
    expect(Object.keys(rejected)).toEqual([
      'id',
      'source',
      'subject',
      'account',
      'meter',
      'quantity',
      'decision',
      'reason',
      'limitedBy',
      'overage',
      'usage',
      'limit',
      'remaining',
      'decidedAt',
      'retryAfterMs',
      'items',
      'datacontenttype',
      'dataschema',
      'extensions',
    ]);
    expect(rejected.items).toEqual([{ meter: 'geocoding', quantity: 3, usage: 3, limit: 10, remaining: 7, overage: 0 }]);
    const noExtensions = acceptedRecord({ extensions: {} });
    expect(JSON.parse(noExtensions!.value)).not.toHaveProperty('extensions');
  });

  it('is null for events that are not decisions', () => {
    expect(decisionRecord(storedGrant(decision.decidedAt))).toBeNull();
  });
});
