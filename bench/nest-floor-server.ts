import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { answerCpuQueries } from './forked-process';

/**
 * The HTTP stack's floor: NestJS on @nestjs/platform-fastify, as Tally's api uses them, with one
 * no-op route and no Tally work (no authentication, validation, hooks, logging or storage). The
 * JSON body is parsed by the adapter's default parser and a small JSON answer sent with 200, so
 * the bench can set Tally's `POST /v1/usage` beside what the framework alone does on this machine.
 */
@Controller('v1')
class UsageController {
  @Post('usage')
  @HttpCode(200)
  record(@Body() body: { id?: unknown }): { id: unknown; outcome: string } {
    return { id: body?.id ?? null, outcome: 'accepted' };
  }
}

@Module({ controllers: [UsageController] })
class FloorModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  answerCpuQueries();
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  process.send?.('listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
