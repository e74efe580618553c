import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/roles.decorator';
import { Answers, Operation } from '../http/openapi/answers';
import type { Runtime } from '../runtime/runtime';
import { RUNTIME } from '../runtime/runtime.module';
import { Metrics } from './metrics';

/** Liveness, readiness and Prometheus metrics; no token needed. */
@ApiTags('operations')
@Public()
@Controller()
export class OperationsController {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly metrics: Metrics,
  ) {}

  @Get('healthz')
  @Operation('health', 'Liveness: the process answers')
  @Answers(200, 'Alive', 'Health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when the event store, the read-model database and (if configured) Kafka answer, and
   * the Kafka consumer is consuming (in its group, fetching or deciding).
   */
  @Get('readyz')
  @Operation('readiness', 'Readiness: the event store, the database and Kafka (if configured) answer')
  @Answers(200, 'Ready', 'Readiness')
  @Answers(503, 'Not ready; each dependency says why', 'Readiness')
  async ready(@Res({ passthrough: true }) response: Response): Promise<Record<string, string>> {
    const kafka = this.runtime.kafka;
    const checks = await Promise.all([
      this.check('eventStore', () => this.runtime.store.ping()),
      this.check('database', async () => void (await this.runtime.db.query('select 1'))),
      ...(kafka ? [this.check('kafka', () => kafka.ping())] : []),
      ...(kafka ? [this.check('consumer', async () => this.consuming())] : []),
    ]);
    const body = Object.fromEntries(checks);
    const ready = checks.every(([, status]) => status === 'ok');
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', ...body };
  }

  @Get('metrics')
  @Operation('metrics', 'Prometheus metrics (text exposition format)')
  @ApiProduces('text/plain')
  @Answers(200, 'Metrics in the Prometheus text format')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private consuming(): void {
    const intake = this.runtime.intake;
    if (!intake) throw new Error('not started');
    if (!intake.consuming()) throw new Error('not consuming (crashed, restarting, stopped or stalled)');
  }

  private async check(name: string, probe: () => Promise<void>): Promise<[string, string]> {
    try {
      await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000))]);
      return [name, 'ok'];
    } catch (error) {
      return [name, `unavailable: ${(error as Error).message}`];
    }
  }
}
