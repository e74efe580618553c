import type { Logger } from '../logger';
import { kafkaLogCreator } from './kafka.adapter';

// kafkajs' levels: ERROR 1, WARN 2, INFO 4.
const ERROR = 1;

function logged(entry: { level: number; error?: string }): string[] {
  const lines: string[] = [];
  const child = {
    error: (m: string) => lines.push(`error ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    debug: (m: string) => lines.push(`debug ${m}`),
  };
  const logger = { child: () => child } as unknown as Logger;
  const log = kafkaLogCreator(logger)();
  log({
    namespace: 'Connection',
    level: entry.level,
    label: 'ERROR',
    log: { message: 'Response', timestamp: '', error: entry.error },
  } as never);
  return lines;
}

describe('kafkajs log lines', () => {
  it('logs an error response kafkajs retries by itself at warn, and any other at error', () => {
    expect(logged({ level: ERROR, error: 'The group coordinator is not available' })).toEqual(['warn Response']);
    expect(logged({ level: ERROR, error: "The coordinator is loading and hence can't process requests for this group" })).toEqual(
      ['warn Response'],
    );
    expect(logged({ level: ERROR, error: 'Topic authorization failed' })).toEqual(['error Response']);
    expect(logged({ level: ERROR })).toEqual(['error Response']);
    expect(logged({ level: 4 })).toEqual(['debug Response']);
  });
});
