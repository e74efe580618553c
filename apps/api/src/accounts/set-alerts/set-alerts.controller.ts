import { Body, Controller, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Answers, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { SetAlertsDto } from './set-alerts.dto';
import { SetAlertsCommand, type CreditAlert } from './set-alerts.command';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/accounts/:account/alerts')
export class SetAlertsController {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @Operation('setAlerts', "Set the account's credit alert threshold (quota alerts are the quota's alertAt)")
  @Answers(200, 'The stored setting', 'CreditAlert')
  set(@NameParam('account') account: string, @Body() body: SetAlertsDto): Promise<CreditAlert> {
    return this.commands.execute(new SetAlertsCommand(account, body.creditsBelow));
  }
}
