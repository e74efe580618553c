/** How the consumer is restarted after a crash kafkajs does not restart itself. */
export interface RestartOptions {
  /** Restarts allowed within `windowMs`; one more and the process gives up. */
  maxRestarts: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTARTS: RestartOptions = { maxRestarts: 10, windowMs: 5 * 60_000, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * Exponential backoff between restarts, and the point at which restarting is hopeless: more
 * than `maxRestarts` within the window. Then the process should exit non-zero, so that an
 * orchestrator restarts it afresh.
 */
export class RestartPolicy {
  private restarts: number[] = [];

  constructor(
    private readonly options: RestartOptions = DEFAULT_RESTARTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a restart; resolves its delay in ms, or null when it is time to give up. */
  next(): number | null {
    const now = this.now();
    this.restarts = [...this.restarts.filter((at) => now - at < this.options.windowMs), now];
    if (this.restarts.length > this.options.maxRestarts) return null;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (this.restarts.length - 1));
  }
}
