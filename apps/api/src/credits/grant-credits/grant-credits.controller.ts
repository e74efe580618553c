import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { GrantCreditsCommand } from './grant-credits.command';
import { GrantCreditsDto } from './grant-credits.dto';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits')
export class GrantCreditsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Operation('grantCredits', 'Grant credits; 201 with the new balance')
  @Answers(201, 'The balance after the grant', 'Balance')
  grant(@NameParam('account') account: string, @Body() body: GrantCreditsDto): Promise<{ balance: number }> {
    return this.commands.execute(new GrantCreditsCommand(account, body.amount, body.reason ?? null, body.id ?? null));
  }
}
