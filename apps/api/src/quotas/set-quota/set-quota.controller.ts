import { Body, Controller, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withDefaultTerms, type QuotaTerms } from '@tally/events';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { SetQuotaCommand } from './set-quota.command';
import { SetQuotaDto } from './set-quota.dto';

@ApiTags('quotas')
@ApiBearerAuth()
@Controller('v1/accounts/:account/quotas')
export class SetQuotaController {
  constructor(private readonly commands: CommandBus) {}

  @Put(':meter')
  @Operation('setQuota', 'Set a quota (unset fields take their defaults)')
  @Answers(200, 'The stored terms', 'QuotaTerms')
  set(@NameParam('account') account: string, @NameParam('meter') meter: string, @Body() body: SetQuotaDto): Promise<QuotaTerms> {
    return this.commands.execute(new SetQuotaCommand(account, meter, withDefaultTerms(body)));
  }
}
