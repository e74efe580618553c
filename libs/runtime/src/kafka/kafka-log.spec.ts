import type { Logger } from '../logger';
import { kafkaLogCreator } from './kafka.adapter';

// kafkajs' levels: ERROR 1, WARN 2, INFO 4.
const [ERROR, WARN, INFO] = [1, 2, 4];

function logged(namespace: string, level: number, message: string, error?: string): string[] {
  const lines: string[] = [];
  const child = {
    error: (m: string) => lines.push(`error ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    debug: (m: string) => lines.push(`debug ${m}`),
  };
  const logger = { child: () => child } as unknown as Logger;
  kafkaLogCreator(logger)()({ namespace, level, label: '', log: { message, timestamp: '', error } });
  return lines;
}

describe('kafkajs log lines', () => {
  it('a broker error answer to one request logs at warn, retriable or not: the caller logs what is not cured', () => {
    const response = 'Response FindCoordinator(key: 10, version: 2)';
    expect(logged('Connection', ERROR, response, "The coordinator is loading and hence can't process requests")).toEqual([
      `warn ${response}`,
    ]);
    expect(logged('Connection', ERROR, 'Response Produce(key: 0, version: 7)', 'Topic authorization failed')).toEqual([
      'warn Response Produce(key: 0, version: 7)',
    ]);
  });

  it('any other error line stays at error: a lost connection, a consumer that crashed, a send that failed', () => {
    expect(logged('Connection', ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9')).toEqual([
      'error Connection error: connect ECONNREFUSED 127.0.0.1:9',
    ]);
    expect(logged('Consumer', ERROR, 'Crash: KafkaJSProtocolError: Topic authorization failed')).toEqual([
      'error Crash: KafkaJSProtocolError: Topic authorization failed',
    ]);
    expect(logged('Producer', ERROR, 'Response ignored by name only')).toEqual(['error Response ignored by name only']);
  });

  it('warnings stay warnings and INFO lines go to debug', () => {
    expect(logged('Consumer', WARN, 'Heartbeat failed')).toEqual(['warn Heartbeat failed']);
    expect(logged('Consumer', INFO, 'Starting')).toEqual(['debug Starting']);
  });
});
