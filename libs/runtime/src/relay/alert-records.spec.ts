import { serialize, type AlertData } from '@tally/events';
import { alertRecord } from './alert-records';
import { decisionRecord } from './decision-records';
import { storedGrant } from './testing/events';

const alert: AlertData = {
  id: 'alrt_0123',
  account: 'acme',
  kind: 'credits.low',
  threshold: 20,
  balance: 18,
  raisedAt: '2026-11-22T10:00:00.000Z',
};

describe('the published form of a stored alert', () => {
  it('is keyed by account, with the alert id as the CloudEvents identity, and no fields its kind lacks', () => {
    const record = alertRecord(serialize({ type: 'AlertRaised', data: alert }));
    expect(record?.key).toBe('acme');
    expect(record?.headers).toEqual({
      ce_specversion: '1.0',
      ce_type: 'metering.alert.v1',
      ce_source: '/accounts/acme',
      ce_id: 'alrt_0123',
      ce_subject: 'acme',
      ce_time: alert.raisedAt,
      'content-type': 'application/json',
    });
    expect(record?.value).toBe(
      '{"id":"alrt_0123","account":"acme","kind":"credits.low","threshold":20,"balance":18,"raisedAt":"2026-11-22T10:00:00.000Z"}',
    );
  });

  it('is not a decision, and a decision is not an alert', () => {
    expect(decisionRecord(serialize({ type: 'AlertRaised', data: alert }))).toBeNull();
    expect(alertRecord(storedGrant(alert.raisedAt))).toBeNull();
  });
});
