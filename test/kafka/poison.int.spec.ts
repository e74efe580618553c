import { describeIf, eventually, infra } from '../infra/infra';
import { startTally, type RunningTally } from '../support/tally';
import { decisionId, report } from './fault-support';
import { committedToEnd, consumeUntil, countCopies, produce, topicPrefix, usageMessage } from './kafka-helpers';

// Validation may refuse some of these (issue 8 adds rules for names); the store refuses the rest.
const UNDECIDABLE = ['VALIDATION_FAILED', 'STORE_REFUSED', 'DECIDE_FAILED'];

/** A structured CloudEvent written as raw JSON text, so that escapes reach the parser as sent. */
function raw(fields: { id: string; source: string; subject: string; quantity: string }): string {
  return (
    `{"specversion":"1.0","id":"${fields.id}","source":"${fields.source}","type":"metering.usage.v1",` +
    `"subject":"${fields.subject}","data":{"meter":"poison","quantity":${fields.quantity}}}`
  );
}

describeIf(infra.kafkaBrokers && infra.postgresUrl, 'poison messages among good ones on one partition', () => {
  let tally: RunningTally;
  const prefix = topicPrefix();
  beforeAll(async () => {
    tally = await startTally('postgres', { kafka: { topicPrefix: prefix } });
    await tally.admin.put('/v1/meters/poison', { defaultQuota: { limit: null } });
  }, 60_000);
  afterAll(() => tally.destroy());

  it('dead-letters each with its reason and decides every good message, within 60 s', async () => {
    const good = (i: number) => ({
      ...usageMessage({ id: `g-${i}`, subject: `acct-${i % 4}`, meter: 'poison', quantity: 1 }),
      partition: 0,
    });
    const poison = [
      raw({ id: 'bad-\\u0000-x', source: 'poison', subject: 'acct-1', quantity: '1' }),
      raw({ id: 'p-surrogate', source: 'svc-\\ud800', subject: 'acct-2', quantity: '1' }),
      raw({ id: 'p-nul-subject', source: 'poison', subject: 'bad\\u0000subject', quantity: '1' }),
      raw({ id: 'p-huge', source: 'poison', subject: 'acct-3', quantity: '9007199254740993' }),
    ].map((value) => ({ key: 'poison', value, partition: 0 }));
    const messages = [
      ...Array.from({ length: 50 }, (_, i) => good(i)),
      poison[0],
      ...Array.from({ length: 50 }, (_, i) => good(50 + i)),
      poison[1],
      ...Array.from({ length: 50 }, (_, i) => good(100 + i)),
      poison[2],
      poison[3],
      ...Array.from({ length: 50 }, (_, i) => good(150 + i)),
    ];
    const started = Date.now();
    await produce(`${prefix}metering.usage.v1`, messages);

    const letters = await consumeUntil(`${prefix}metering.usage.v1.dlq`, (seen) => seen.length >= 4, 60_000);
    expect(letters).toHaveLength(4);
    expect(letters.map((l) => l.value!.toString()).sort()).toEqual(poison.map((p) => p.value).sort());
    for (const letter of letters) {
      expect(UNDECIDABLE).toContain(letter.headers['tally-error-code']);
      expect(letter.headers['tally-error'].length).toBeGreaterThan(10);
      expect(letter.headers['tally-source-partition']).toBe('0');
    }
    const copies = await countCopies(`${prefix}metering.decisions.v1`, decisionId, (c) => c.size >= 200, {
      timeoutMs: Math.max(1000, 60_000 - (Date.now() - started)),
    });
    expect([...copies.keys()].sort()).toEqual(Array.from({ length: 200 }, (_, i) => `g-${i}`).sort());
    const drained = Date.now() - started;
    await eventually(async () => expect(await committedToEnd(`${prefix}metering.usage.v1`, `${prefix}group`)).toBe(true));
    report('poison', {
      good: 200,
      poison: 4,
      codes: letters.map((l) => l.headers['tally-error-code']).join('/'),
      drainedMs: drained,
      duplicatesPublished: [...copies.values()].reduce((a, b) => a + b, 0) - copies.size,
    });
    expect(drained).toBeLessThan(60_000);
  }, 90_000);
});
