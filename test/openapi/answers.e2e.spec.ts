import OpenAPIResponseValidator, { type OpenAPIResponseValidatorError } from 'openapi-response-validator';
import type { OpenAPIV3 } from 'openapi-types';
import { Client, startTally, unique, usageEvent, type Reply, type RunningTally } from '../support/tally';

type Media = Record<string, { schema?: OpenAPIV3.SchemaObject }>;
type Operation = { operationId: string; responses: Record<string, { content?: Media }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: OpenAPIV3.ComponentsObject };

/** What a real answer breaks in the document: its status or media type undeclared, or its body off its schema. */
function mismatches(document: Document, method: string, path: string, reply: Reply): string[] {
  const operation = document.paths[path]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${path} is not in the document`];
  const declared = operation.responses[String(reply.status)] ?? operation.responses.default;
  if (!declared) return [`${method} ${path} answered ${reply.status}, which it does not declare`];
  const mediaType = (reply.headers.get('content-type') ?? '').split(';')[0].trim();
  if (!declared.content)
    return reply.text === '' || path === '/metrics' ? [] : [`${reply.status} has a body, declared without one`];
  const media = declared.content[mediaType];
  if (!media) return [`${reply.status} answered ${mediaType}, declared ${Object.keys(declared.content).join(', ')}`];
  if (!media.schema || !mediaType.endsWith('json')) return [];
  const validator = new OpenAPIResponseValidator({
    responses: { [reply.status]: { schema: media.schema } },
    components: document.components,
  });
  const result = validator.validateResponse(reply.status, reply.body);
  return (result?.errors ?? []).map((e: OpenAPIResponseValidatorError) => `${reply.status} ${e.path}: ${e.message}`);
}

// Every route of /openapi.json called on a running Tally, its successes and errors, and each real
// answer validated against what the document declares for it (an independent OpenAPI validator).
describe('every answer matches /openapi.json', () => {
  let tally: RunningTally;
  let document: Document;
  const answered = new Set<string>();
  const problems: string[] = [];
  beforeAll(async () => {
    tally = await startTally('pglite');
    document = (await tally.admin.get('/openapi.json')).body;
  }, 90_000);
  afterAll(() => tally.destroy());

  /** Sends one request, checks its answer against the document, and returns it. */
  async function call(client: Client, method: string, template: string, path: string, body?: unknown): Promise<Reply> {
    const reply = await client.send(method, path, body);
    answered.add(`${method.toLowerCase()} ${template}`);
    problems.push(...mismatches(document, method, template, reply).map((p) => `${method} ${path}: ${p}`));
    return reply;
  }

  it('for each operation, with successes and errors', async () => {
    const admin = tally.admin;
    const [account, geo, ocr, maps, subject] = [unique('a'), unique('geo'), unique('ocr'), unique('maps'), unique('s')];
    const q = `/v1/accounts/${account}`;
    const anonymous = new Client(tally.url, null);

    await call(admin, 'PUT', '/v1/meters/{meter}', `/v1/meters/${geo}`, { description: 'lookups' });
    await call(admin, 'PUT', '/v1/meters/{meter}', `/v1/meters/${maps}`, { defaultQuota: { limit: 5 } });
    await call(admin, 'PUT', '/v1/meters/{meter}', `/v1/meters/${ocr}`, { creditsPerUnit: 2 });
    await call(admin, 'PUT', '/v1/meters/{meter}', `/v1/meters/${ocr}`, { creditsPerUnit: 0 });
    await call(admin, 'GET', '/v1/meters', '/v1/meters');
    await call(anonymous, 'GET', '/v1/meters', '/v1/meters');

    await call(admin, 'PUT', '/v1/accounts/{account}/quotas/{meter}', `${q}/quotas/${geo}`, { limit: 100, alertAt: [50] });
    await call(admin, 'PUT', '/v1/accounts/{account}/quotas/{meter}', `${q}/quotas/${geo}`, { limit: -1 });
    await call(admin, 'PATCH', '/v1/accounts/{account}/quotas/{meter}', `${q}/quotas/${geo}`, { enforcement: 'soft' });
    await call(admin, 'PATCH', '/v1/accounts/{account}/quotas/{meter}', `${q}/quotas/${unique('none')}`, { limit: 3 });
    await call(admin, 'PUT', '/v1/subjects/{subject}', `/v1/subjects/${subject}`, { account });
    await call(admin, 'POST', '/v1/accounts/{account}/credits', `${q}/credits`, { amount: 50, reason: 'welcome' });
    await call(admin, 'PUT', '/v1/accounts/{account}/alerts', `${q}/alerts`, { creditsBelow: 20 });
    const child = unique('child');
    await call(admin, 'PUT', '/v1/accounts/{account}', `/v1/accounts/${child}`, { parent: account });
    await call(admin, 'PUT', '/v1/accounts/{account}', `/v1/accounts/${child}`, { parent: child });
    await call(admin, 'PUT', '/v1/accounts/{account}', q, { parent: child });
    await call(admin, 'GET', '/v1/accounts/{account}', `/v1/accounts/${child}`);
    const grants = '/v1/accounts/{account}/credits/grants';
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    await call(admin, 'POST', '/v1/accounts/{account}/credits', `${q}/credits`, {
      id: 'promo',
      amount: 5,
      priority: 1,
      expiresAt,
    });
    await call(admin, 'POST', '/v1/accounts/{account}/credits', `${q}/credits`, { amount: 5, priority: 0 });
    await call(admin, 'POST', `${grants}/{grant}/void`, `${q}/credits/grants/promo/void`, {});
    await call(admin, 'POST', `${grants}/{grant}/void`, `${q}/credits/grants/promo/void`, {});
    await call(admin, 'POST', `${grants}/{grant}/void`, `${q}/credits/grants/nope/void`, {});
    await call(admin, 'GET', grants, `${q}/credits/grants`);
    await call(admin, 'GET', grants, `${q}/credits/grants?asOf=${encodeURIComponent(new Date().toISOString())}`);
    await call(admin, 'GET', grants, `/v1/accounts/${unique('nobody')}/credits/grants`);
    await call(admin, 'PUT', '/v1/accounts/{account}/credits/allowance', `${q}/credits/allowance`, { amount: 10, per: 'month' });
    await call(admin, 'PUT', '/v1/accounts/{account}/credits/allowance', `${q}/credits/allowance`, { amount: 10, per: 'year' });

    await call(admin, 'POST', '/v1/usage', '/v1/usage', usageEvent({ id: 'u-1', subject, meter: geo, quantity: 30 }));
    await call(admin, 'POST', '/v1/usage', '/v1/usage', usageEvent({ subject: account, meter: ocr, quantity: 5 }));
    await call(admin, 'POST', '/v1/usage', '/v1/usage', usageEvent({ subject: account, meter: maps, quantity: 9 }));
    await call(admin, 'POST', '/v1/usage', '/v1/usage', usageEvent({ subject: account, meter: geo, quantity: 0 }));
    await call(admin, 'POST', '/v1/usage/check', '/v1/usage/check', { subject: account, meter: geo, quantity: 1 });
    await call(admin, 'POST', '/v1/usage/reversals', '/v1/usage/reversals', { source: 'test-service', id: 'u-1' });
    await call(admin, 'POST', '/v1/usage/reversals', '/v1/usage/reversals', { source: 'test-service', id: 'never-sent' });

    const hold = (id: string, meter: string, quantity: number) => ({
      ...usageEvent({ id, subject: account, meter, quantity }),
      data: { meter, quantity, ttlSeconds: 90 },
    });
    await call(admin, 'POST', '/v1/reservations', '/v1/reservations', hold('h-1', geo, 20));
    await call(admin, 'POST', '/v1/reservations', '/v1/reservations', hold('h-2', maps, 50));
    await call(admin, 'POST', '/v1/reservations', '/v1/reservations', hold('h-3', geo, 5));
    await call(admin, 'POST', '/v1/reservations/commit', '/v1/reservations/commit', {
      source: 'test-service',
      id: 'h-1',
      quantity: 10,
    });
    await call(admin, 'POST', '/v1/reservations/commit', '/v1/reservations/commit', {
      source: 'test-service',
      id: 'h-1',
      quantity: 10,
    });
    await call(admin, 'POST', '/v1/reservations/release', '/v1/reservations/release', { source: 'test-service', id: 'h-3' });
    await call(admin, 'POST', '/v1/reservations/release', '/v1/reservations/release', { source: 'test-service', id: 'nope' });

    for (const template of ['/v1/accounts/{account}/quotas/{meter}', '/v1/accounts/{account}/quotas']) {
      const path = template.replace('{account}', account).replace('{meter}', geo);
      await call(admin, 'GET', template, path);
      await call(admin, 'GET', template, `${path}?asOf=${encodeURIComponent(new Date().toISOString())}`);
      await call(admin, 'GET', template, `${path}?asOf=yesterday`);
    }
    await call(admin, 'GET', '/v1/accounts/{account}/quotas/{meter}', `${q}/quotas/${maps}`);
    await call(admin, 'GET', '/v1/accounts/{account}/quotas/{meter}', `/v1/accounts/${unique('nobody')}/quotas/${ocr}`);
    await call(admin, 'GET', '/v1/accounts/{account}/credits', `${q}/credits`);
    await call(admin, 'GET', '/v1/accounts/{account}/credits', `/v1/accounts/${unique('nobody')}/credits`);
    await call(admin, 'GET', '/v1/accounts', '/v1/accounts?limit=2');
    await call(admin, 'GET', '/v1/accounts', '/v1/accounts?limit=0');
    await call(admin, 'GET', '/v1/accounts/{account}/usage', `${q}/usage`);
    await call(admin, 'GET', '/v1/accounts/{account}/usage', `${q}/usage?groupBy=subject`);
    const today = new Date().toISOString().slice(0, 10);
    await call(admin, 'GET', '/v1/accounts/{account}/usage', `${q}/usage?from=${today.slice(0, 7)}&to=${today.slice(0, 7)}`);
    await call(admin, 'GET', '/v1/accounts/{account}/usage', `${q}/usage?granularity=day&from=${today}&to=${today}`);
    await call(
      admin,
      'GET',
      '/v1/accounts/{account}/usage',
      `${q}/usage?granularity=day&from=${today}&to=${today}&groupBy=subject`,
    );
    await call(admin, 'GET', '/v1/accounts/{account}/usage', `${q}/usage?granularity=day&from=2024-01-01&to=2025-01-01`);
    await call(admin, 'GET', '/v1/billing', '/v1/billing');
    await call(admin, 'GET', '/v1/billing', '/v1/billing?month=2026-13');
    await call(admin, 'GET', '/v1/credits/ledger', `/v1/credits/ledger?month=${today.slice(0, 7)}&account=${account}`);
    await call(admin, 'GET', '/v1/credits/ledger', '/v1/credits/ledger?month=2026-13');
    await call(admin, 'DELETE', '/v1/accounts/{account}/credits/allowance', `${q}/credits/allowance`);
    await call(admin, 'GET', '/v1/accounts/{account}/decisions', `${q}/decisions?limit=5`);

    const key = await call(admin, 'POST', '/v1/api-keys', '/v1/api-keys', { name: 'geocoder', role: 'producer' });
    await call(admin, 'POST', '/v1/api-keys', '/v1/api-keys', { name: 'x', role: 'emperor' });
    const producer = admin.as(key.body.token);
    await call(producer, 'GET', '/v1/api-keys', '/v1/api-keys');
    await call(admin, 'GET', '/v1/api-keys', '/v1/api-keys');
    await call(admin, 'DELETE', '/v1/api-keys/{id}', `/v1/api-keys/${key.body.id}`);
    await call(admin, 'DELETE', '/v1/api-keys/{id}', `/v1/api-keys/${key.body.id}`);

    const webhook = await call(admin, 'POST', '/v1/webhooks', '/v1/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      description: 'ops',
    });
    await call(admin, 'POST', '/v1/webhooks', '/v1/webhooks', { url: 'not a url' });
    await call(admin, 'GET', '/v1/webhooks', '/v1/webhooks');
    await call(admin, 'GET', '/v1/webhooks/{id}/deliveries', `/v1/webhooks/${webhook.body.id}/deliveries?limit=5`);
    await call(admin, 'DELETE', '/v1/webhooks/{id}', `/v1/webhooks/${webhook.body.id}`);
    await call(admin, 'GET', '/v1/webhooks/{id}/deliveries', `/v1/webhooks/${webhook.body.id}/deliveries`);

    await call(anonymous, 'GET', '/healthz', '/healthz');
    await call(anonymous, 'GET', '/readyz', '/readyz');
    await call(anonymous, 'GET', '/metrics', '/metrics');

    expect(problems).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`));
    expect(operations.filter((o) => !answered.has(o))).toEqual([]);
  }, 60_000);
});
