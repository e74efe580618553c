import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { GrantView } from '@tally/domain';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { VoidGrantCommand } from './void-grant.command';
import { VoidGrantDto } from './void-grant.dto';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits/grants')
export class VoidGrantController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':grant/void')
  @HttpCode(200)
  @Operation('voidGrant', 'Void a grant: what is left of it leaves the balance now')
  @Answers(200, 'The voided grant', 'Grant')
  @Fails(404, 'GRANT_NOT_FOUND: the account holds no grant of this id')
  @Fails(409, "GRANT_VOIDED (voided before), GRANT_EXPIRED or NOT_A_PAYER (a child in a tree: its credits are its root's)")
  void(@NameParam('account') account: string, @Param('grant') grant: string, @Body() body: VoidGrantDto): Promise<GrantView> {
    return this.commands.execute(new VoidGrantCommand(account, grant, body.reason ?? null));
  }
}
