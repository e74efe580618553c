import type { ParameterObject, RequestBodyObject } from '@nestjs/swagger';
import { CLOUDEVENTS_BATCH_JSON, CLOUDEVENTS_JSON } from '@tally/messages';
import { ref } from './schemas';

const EXAMPLE_EVENT = {
  specversion: '1.0',
  id: 'u-123',
  source: 'geocoder',
  type: 'metering.usage.v1',
  subject: 'alice',
  time: '2026-11-22T10:00:00Z',
  data: { meter: 'geocoding', quantity: 3 },
};

// Binary mode: the attributes travel as ce-* headers and the body is `data` alone.
const BINARY_HEADERS: Array<[string, string, string]> = [
  ['ce-specversion', '1.0', 'binary mode: CloudEvents version'],
  ['ce-id', 'u-123', 'binary mode: the usage id (unique per source)'],
  ['ce-source', 'geocoder', 'binary mode: the producing service'],
  ['ce-type', 'metering.usage.v1', 'binary mode: the event type'],
  ['ce-subject', 'alice', 'binary mode: who consumed'],
  ['ce-time', '2026-11-22T10:00:00Z', 'binary mode: event time (optional)'],
  ['ce-dataschema', 'https://schemas.example.com/usage/v1.json', 'binary mode: schema of data (optional, kept)'],
  ['traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'W3C trace context, kept with the decision'],
];

const parameters: ParameterObject[] = BINARY_HEADERS.map(([name, example, description]) => ({
  name,
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', example },
}));

function requestBody(batch: boolean, hold = false): RequestBodyObject {
  const one = ref(hold ? 'ReservationCloudEvent' : 'UsageCloudEvent');
  const data = ref(hold ? 'ReservationData' : 'UsageData');
  const json = batch ? { oneOf: [one, ref('UsageBatch'), data] } : { oneOf: [one, data] };
  return {
    required: true,
    description:
      'The CloudEvents HTTP binding: structured mode (the event as JSON), binary mode (ce-* headers, `data` as ' +
      'an application/json body)' +
      (batch ? `, or a batch (a JSON array, or ${CLOUDEVENTS_BATCH_JSON}) of up to 1000 events, all or nothing` : ''),
    content: {
      'application/json': {
        schema: json,
        examples: {
          structured: { summary: 'structured mode', value: EXAMPLE_EVENT },
          binary: { summary: 'binary mode (with ce-* headers)', value: EXAMPLE_EVENT.data },
          ...(batch ? { batch: { summary: 'a batch', value: [EXAMPLE_EVENT] } } : {}),
        },
      },
      [CLOUDEVENTS_JSON]: { schema: one, example: EXAMPLE_EVENT },
      ...(batch ? { [CLOUDEVENTS_BATCH_JSON]: { schema: ref('UsageBatch'), example: [EXAMPLE_EVENT] } } : {}),
    },
  };
}

/** The request side of the routes that take usage CloudEvents, by operation id. */
export const USAGE_OPERATIONS: Record<string, { requestBody: RequestBodyObject; parameters: ParameterObject[] }> = {
  recordUsage: { requestBody: requestBody(true), parameters },
  checkUsage: { requestBody: requestBody(false), parameters },
  holdUsage: { requestBody: requestBody(false, true), parameters },
};
