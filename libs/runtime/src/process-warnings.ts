import type { Logger } from './logger';

/**
 * Node's process warnings as log lines of the process logger, in place of Node's bare stderr text:
 * an operator reads them where every other line is, as JSON with the warning's name and code.
 *
 * One is known and harmless, so it logs at debug: kafkajs 2.2.4's request queue schedules its
 * throttle check with a negative delay when it is not throttled, which Node has always run after
 * 1 ms and, since Node 24, also reports as a TimeoutNegativeWarning.
 */
export function logProcessWarnings(logger: Logger): void {
  for (const listener of process.listeners('warning')) process.removeListener('warning', listener);
  process.on('warning', (warning) => {
    const fields = { warning: { name: warning.name, code: (warning as { code?: string }).code, stack: warning.stack } };
    const line = `${warning.name}: ${warning.message}`;
    if (isKafkajsThrottleCheck(warning)) logger.debug(fields, line);
    else logger.warn(fields, line);
  });
}

/** The negative timeout of kafkajs' request queue (see above). */
export function isKafkajsThrottleCheck(warning: Error): boolean {
  return warning.name === 'TimeoutNegativeWarning' && /kafkajs[\\/]src[\\/]network[\\/]requestQueue/.test(warning.stack ?? '');
}
