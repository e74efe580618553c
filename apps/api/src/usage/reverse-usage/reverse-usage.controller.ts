import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ApiKey } from '../../auth/api-keys';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { ReverseUsageCommand, type ReversalView } from './reverse-usage.command';
import { ReversalDto } from './reverse-usage.dto';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('v1/usage')
export class ReverseUsageController {
  constructor(private readonly commands: CommandBus) {}

  @Post('reversals')
  @HttpCode(200)
  @Operation('reverseUsage', 'Reverse an accepted usage by source + id (a second reversal is a no-op)')
  @Answers(200, 'The reversal (the same one the second time)', 'Reversal')
  @Fails(404, 'No decision for this source + id')
  @Fails(409, 'The usage was rejected, or is older than 35 days')
  reverse(@Body() body: ReversalDto, @CurrentKey() key: ApiKey): Promise<ReversalView> {
    assertSourcesAllowed(key, [body.source]);
    return this.commands.execute(new ReverseUsageCommand(body.source, body.id, body.reason ?? null));
  }
}
