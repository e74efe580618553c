import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'adminToken'];

/** A process logger: one JSON object per line, secrets redacted. */
export function createLogger(level: string, name: string, destination?: DestinationStream): Logger {
  return pino({ level, name, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}

export type { Logger };
