import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ApiKey } from '../../auth/api-keys';
import { Allow } from '../../auth/roles.decorator';
import { assertSourcesAllowed, CurrentKey } from '../../auth/source-binding';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { ReleaseHoldCommand } from './release-hold.command';
import { ReleaseHoldDto, type ReleasedView } from './release-hold.dto';

@ApiTags('reservations')
@ApiBearerAuth()
@Controller('v1/reservations')
export class ReleaseHoldController {
  constructor(private readonly commands: CommandBus) {}

  @Post('release')
  @HttpCode(200)
  @Allow('producer')
  @Operation('releaseHold', 'Release a hold: free every unit and credit it held')
  @Answers(200, 'The released hold (the same one for a repeated release)', 'ReleasedHold')
  @Fails(404, 'No reservation with this source + id')
  @Fails(409, 'RESERVATION_EXPIRED, or RESERVATION_COMMITTED')
  release(@Body() body: ReleaseHoldDto, @CurrentKey() key: ApiKey): Promise<ReleasedView> {
    assertSourcesAllowed(key, [body.source]);
    return this.commands.execute(new ReleaseHoldCommand(body.source, body.id));
  }
}
