import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/roles.decorator';
import { Answers, Operation } from '../http/openapi/answers';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

/** Liveness, readiness and Prometheus metrics; no token needed. */
@ApiTags('operations')
@Public()
@Controller()
export class OperationsController {
  constructor(
    private readonly readiness: Readiness,
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
  async ready(@Res({ passthrough: true }) response: FastifyReply): Promise<Record<string, string>> {
    const { ready, checks } = await this.readiness.check();
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready', ...checks };
  }

  @Get('metrics')
  @Operation('metrics', 'Prometheus metrics (text exposition format)')
  @ApiProduces('text/plain')
  @Answers(200, 'Metrics in the Prometheus text format')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
