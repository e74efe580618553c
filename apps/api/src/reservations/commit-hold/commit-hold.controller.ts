import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { DecisionMessage } from '@tally/messages';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { CommitHoldCommand } from './commit-hold.command';
import { CommitHoldDto } from './commit-hold.dto';

@ApiTags('reservations')
@ApiBearerAuth()
@Controller('v1/reservations')
export class CommitHoldController {
  constructor(private readonly commands: CommandBus) {}

  @Post('commit')
  @HttpCode(200)
  @Allow('producer')
  @Operation('commitHold', 'Commit a hold: record the units used (at most those held) and free the rest')
  @Answers(200, 'The decision of the committed usage (the same one for a repeated commit)', 'Decision')
  @Fails(404, 'No reservation with this source + id')
  @Fails(409, 'RESERVATION_EXPIRED, RESERVATION_RELEASED, or COMMIT_EXCEEDS_HOLD (more than was held)')
  commit(@Body() body: CommitHoldDto, @CurrentKey() key: ApiKey): Promise<DecisionMessage> {
    assertSourcesAllowed(key, [body.source]);
    return this.commands.execute(new CommitHoldCommand(body.source, body.id, body.quantity ?? null, key.id));
  }
}
