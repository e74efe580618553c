import type { Runtime } from '../runtime/runtime';

const PROBE_TIMEOUT_MS = 2000;

/**
 * What readiness probes: the event store, the read-model database and, if configured, Kafka and
 * the consumer. Reads the runtime at each probe, because the consumer starts after Nest does.
 */
export class Readiness {
  constructor(private readonly runtime: Pick<Runtime, 'store' | 'db' | 'kafka' | 'intake'>) {}

  /** Each dependency's status ("ok" or why not), probed in parallel with a time limit. */
  async check(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const { kafka } = this.runtime;
    const checks = await Promise.all([
      this.probe('eventStore', () => this.runtime.store.ping()),
      this.probe('database', async () => void (await this.runtime.db.query('select 1'))),
      ...(kafka ? [this.probe('kafka', () => kafka.ping())] : []),
      ...(kafka ? [this.probe('consumer', async () => this.consuming())] : []),
    ]);
    return { ready: checks.every(([, status]) => status === 'ok'), checks: Object.fromEntries(checks) };
  }

  private consuming(): void {
    const intake = this.runtime.intake;
    if (!intake) throw new Error('not started');
    if (!intake.consuming()) throw new Error('not consuming (crashed, restarting, stopped or stalled)');
  }

  private async probe(name: string, probe: () => Promise<void>): Promise<[string, string]> {
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), PROBE_TIMEOUT_MS)),
      ]);
      return [name, 'ok'];
    } catch (error) {
      return [name, `unavailable: ${(error as Error).message}`];
    }
  }
}
