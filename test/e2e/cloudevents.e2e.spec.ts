import { CloudEvent, HTTP, emitterFor, httpTransport } from 'cloudevents';
import { ADMIN_TOKEN, startTally, unique, type RunningTally } from '../support/tally';

const TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

// The official CloudEvents SDK for JavaScript is the producer here, as it would be in a service.
describe('the CloudEvents HTTP binding, spoken by the official SDK', () => {
  let tally: RunningTally;
  let account: string;
  let meter: string;
  beforeAll(async () => {
    tally = await startTally('pglite');
    [account, meter] = [unique('acct'), unique('meter')];
    await tally.admin.put(`/v1/accounts/${account}/quotas/${meter}`, { limit: 100 });
  });
  afterAll(() => tally.destroy());

  const usage = (quantity: number, extra: Record<string, unknown> = {}) =>
    new CloudEvent({
      id: unique('ce'),
      source: 'sdk-svc',
      type: 'metering.usage.v1',
      subject: account,
      data: { meter, quantity },
      ...extra,
    });

  const send = async (message: { headers: Record<string, unknown>; body: unknown }, path = '/v1/usage') => {
    const response = await fetch(`${tally.url}${path}`, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), ...auth },
      body: message.body as string,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it("records usage through the SDK's default emitter, with no option set (binary mode)", async () => {
    const emit = emitterFor(httpTransport(`${tally.url}/v1/usage`));
    const event = usage(3, { traceparent: TRACE });
    // The transport's options carry only the producer's own headers: its API key.
    const response = (await emit(event, { headers: auth })) as { body: string; headers: Record<string, string> };
    expect(JSON.parse(response.body)).toMatchObject({
      id: event.id,
      source: 'sdk-svc',
      account,
      quantity: 3,
      decision: 'accepted',
      extensions: { traceparent: TRACE },
    });
  });

  it('records a structured-mode event and keeps dataschema and the media type with its parameters', async () => {
    const event = usage(2, {
      dataschema: 'https://schemas.example.com/usage/v1.json',
      datacontenttype: 'application/json; charset=utf-8',
    });
    const reply = await send(HTTP.structured(event));
    expect(reply).toMatchObject({
      status: 200,
      body: {
        id: event.id,
        decision: 'accepted',
        dataschema: 'https://schemas.example.com/usage/v1.json',
        datacontenttype: 'application/json; charset=utf-8',
      },
    });
  });

  it('records a batch (application/cloudevents-batch+json), in order, and answers 402 in binary mode past the limit', async () => {
    const batch = [usage(10), usage(20, { traceparent: TRACE })];
    const reply = await send({
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(batch.map((e) => JSON.parse(e.toString()))),
    });
    expect(reply.status).toBe(200);
    expect(reply.body.results).toEqual([
      expect.objectContaining({ id: batch[0].id, decision: 'accepted' }),
      expect.objectContaining({ id: batch[1].id, decision: 'accepted', extensions: { traceparent: TRACE } }),
    ]);
    const tooMuch = await send(HTTP.binary(usage(1000)));
    expect(tooMuch).toMatchObject({ status: 402, body: { decision: 'rejected', reason: 'QUOTA_EXCEEDED' } });
  });

  it('checks a binary-mode event without recording it, and names what a binary message lacks', async () => {
    const check = await send(HTTP.binary(usage(1)), '/v1/usage/check');
    expect(check).toMatchObject({ status: 200, body: { allowed: true } });
    const message = HTTP.binary(usage(1));
    delete (message.headers as Record<string, unknown>)['ce-source'];
    const refused = await send(message);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain('source');
  });

  it('keeps the attributes with the stored decision: a redelivery answers with the original', async () => {
    const event = usage(1, { traceparent: TRACE });
    const first = await send(HTTP.binary(event));
    const again = await send(HTTP.binary(event.cloneWith({ traceparent: 'other' })));
    expect(again.body).toEqual(first.body);
    expect(again.body.extensions).toEqual({ traceparent: TRACE });
  });
});
