import { isKafkajsThrottleCheck } from './process-warnings';

function warning(name: string, stack: string): Error {
  return Object.assign(new Error('-1796578855182 is a negative number.'), { name, stack });
}

const KAFKAJS_STACK = `TimeoutNegativeWarning: -1796578855182 is a negative number.
    at setTimeout (node:timers:125:19)
    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)`;

describe('Node process warnings', () => {
  it("kafkajs' request queue's negative timeout is known; the same warning from anywhere else is not", () => {
    expect(isKafkajsThrottleCheck(warning('TimeoutNegativeWarning', KAFKAJS_STACK))).toBe(true);
    expect(isKafkajsThrottleCheck(warning('TimeoutNegativeWarning', 'at Object.<anonymous> (/app/dist/x.js:1:1)'))).toBe(false);
    expect(isKafkajsThrottleCheck(warning('DeprecationWarning', KAFKAJS_STACK))).toBe(false);
  });
});
