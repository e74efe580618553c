import pino, { type DestinationStream, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before a line is written. */
export const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'adminToken'];

/** `LOG_FORMAT`: JSON lines for machines, pretty lines for a person, or `auto` (pretty on a terminal). */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** Whether a logger writing to stdout should write pretty lines. */
export function isPretty(format: LogFormat, tty = process.stdout.isTTY === true): boolean {
  return format === 'pretty' || (format === 'auto' && tty);
}

/**
 * A process logger, secrets redacted: one JSON object per line, or, when a person is watching
 * (a terminal, or LOG_FORMAT=pretty), pino-pretty's readable lines, written synchronously so
 * that they keep their order with what the process prints itself.
 */
export function createLogger(level: string, name: string, destination?: DestinationStream, format: LogFormat = 'auto'): Logger {
  const options = { level, name, redact: { paths: REDACT, censor: '[redacted]' } };
  if (destination) return pino(options, destination);
  if (!isPretty(format)) return pino(options);
  // Required only when a person is watching; JSON processes never load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino(
    options,
    pretty({
      sync: true,
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      // A request's line says method, path, status and time in its message; the rest is for JSON.
      ignore: 'pid,hostname,name,context,req,res,responseTime',
      singleLine: true,
      messageFormat: '{if context}{context}: {end}{msg}',
    }),
  );
}

export type { Logger };
