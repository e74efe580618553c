import { deserialize, serialize, UnknownEventTypeError, type TallyEvent } from './serde';

const decision = {
  account: 'acme',
  source: 'geocoder',
  id: 'job-42',
  subject: 'alice',
  meter: 'geocoding',
  quantity: 3,
  time: '2026-11-22T10:00:00.000Z',
  month: '2026-11',
  usage: 3,
  limit: null,
  remaining: null,
  overage: 0,
  decidedAt: '2026-11-22T10:00:00.000Z',
};

describe('serde', () => {
  it('writes decisions as v2, with the key that reported them', () => {
    const event: TallyEvent = { type: 'UsageAccepted', data: { ...decision, creditsCharged: 0, reportedBy: 'key-1' } };
    expect(serialize(event)).toEqual({ type: 'UsageAccepted.v2', data: event.data });
    expect(deserialize(serialize(event))).toEqual(event);
  });

  it.each(['UsageAccepted', 'UsageRejected'])('reads a %s.v1 stored before keys were recorded', (type) => {
    expect(deserialize({ type: `${type}.v1`, data: { ...decision, creditsCharged: 0 } })).toEqual({
      type,
      data: { ...decision, creditsCharged: 0, reportedBy: null },
    });
  });

  it.each(['constructor.v1', 'toString', '__proto__', 'UsageAccepted.v9'])('refuses the unknown stored type %s', (type) => {
    expect(() => deserialize({ type, data: {} })).toThrow(UnknownEventTypeError);
  });
});
