/** A valid structured usage CloudEvent (one meter, 3 units), for specs to vary. */
export const validUsage = {
  specversion: '1.0',
  id: 'u-1',
  source: 'geocoder',
  type: 'metering.usage.v1',
  subject: 'alice',
  data: { meter: 'geocoding', quantity: 3 },
};
