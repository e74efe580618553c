import type { AccountEvent, UsageRejected } from '@tally/events';
import { decide } from './account-decider';
import {
  decisionDataText,
  decisionRecordText,
  evolveKnowing,
  fold,
  usageKey,
  type Account,
  type DecisionRecord,
  type Recent,
} from './account-state';
import { decideItems, decideUsage, meter, opened, quotaSet } from './testing/fixtures';

describe("an account's recent decisions, folded with their record's text made already (evolveKnowing)", () => {
  it('holds each new decision as JSON.stringify of its record would (same entries, key order and weight)', () => {
    let state: Account = fold([...opened(100), quotaSet({ limit: 5 })]);
    // The same decisions set with the window's own serialisation.
    let expected: Recent<DecisionRecord> = state.decisions;
    const commands = [
      decideUsage({ quantity: 2 }),
      decideUsage({ quantity: 9 }),
      decideUsage({ id: 'é"\\\u2028\u0000', subject: 'ü\t', quantity: 1 }),
      decideItems(
        [
          { meter: 'geocoding', quantity: 1 },
          { meter: 'maps', quantity: 3 },
        ],
        [meter({ meter: 'maps' })],
      ),
      decideUsage({ quantity: 4 }),
    ];
    const types: string[] = [];
    for (const command of commands) {
      for (const event of decide(command, state) as AccountEvent[]) {
        const decision = event.type === 'UsageAccepted' || event.type === 'UsageRejected';
        const record = decision ? decisionRecordText(event) : undefined;
        if (decision) expect(decisionDataText(event, record as string)).toBe(JSON.stringify(event.data));
        state = evolveKnowing(state, event, record);
        types.push(event.type);
        if (event.type === 'UsageAccepted' || event.type === 'UsageRejected')
          expected = expected.set(usageKey(event.data.source, event.data.id), { event, reversal: null });
      }
    }
    expect(types).toEqual(expect.arrayContaining(['UsageAccepted', 'UsageRejected']));
    expect(state.decisions.size).toBe(commands.length);
    expect(state.decisions.bytes).toBe(expected.bytes);
    // Read back and written again: the same keys, values and key order.
    expect(JSON.stringify([...state.decisions])).toBe(JSON.stringify([...expected]));
  });

  it("reads a decision's data text out of its record only when the event is { type, data }", () => {
    const data = { account: 'a', source: 's', id: '}},"reversal":null}', reason: 'QUOTA_EXCEEDED' };
    const event = { type: 'UsageRejected', data } as unknown as UsageRejected;
    expect(decisionDataText(event, decisionRecordText(event))).toBe(JSON.stringify(data));
    const more = { type: 'UsageRejected', data, note: 'x' } as unknown as UsageRejected;
    expect(decisionDataText(more, decisionRecordText(more))).toBeUndefined();
    const reordered = { data, type: 'UsageRejected' } as unknown as UsageRejected;
    expect(decisionDataText(reordered, decisionRecordText(reordered))).toBeUndefined();
  });
});
