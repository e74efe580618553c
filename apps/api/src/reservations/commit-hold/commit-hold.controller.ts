import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { UsageItem } from '@tally/events';
import { parseCommitItems, type DecisionMessage } from '@tally/messages';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { validationProblem } from '../../http/problem';
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
  @Fails(
    409,
    'RESERVATION_EXPIRED, RESERVATION_RELEASED, COMMIT_EXCEEDS_HOLD (more than was held), or COMMIT_ITEMS_MISMATCH (items for a single hold, quantity for a multi-item one, or a meter not held)',
  )
  commit(@Body() body: CommitHoldDto, @CurrentKey() key: ApiKey): Promise<DecisionMessage> {
    assertSourcesAllowed(key, [body.source]);
    return this.commands.execute(
      new CommitHoldCommand(body.source, body.id, body.quantity ?? null, key.id, committedItems(body)),
    );
  }
}

/** A commit's `items`, by the rules of usage items (1 to 20 here, each meter once, instead of `quantity`); null when absent. */
function committedItems(body: CommitHoldDto): UsageItem[] | null {
  const parsed = parseCommitItems(body);
  if (!parsed.ok) throw validationProblem(parsed.errors);
  return parsed.value;
}
