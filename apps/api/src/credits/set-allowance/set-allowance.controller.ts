import { Body, Controller, Delete, HttpCode, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DEFAULT_GRANT_PRIORITY } from '@tally/events';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { RemoveAllowanceCommand, SetAllowanceCommand, type AllowanceView } from './set-allowance.command';
import { SetAllowanceDto } from './set-allowance.dto';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits/allowance')
export class SetAllowanceController {
  constructor(private readonly commands: CommandBus) {}

  @Put()
  @Operation(
    'setAllowance',
    'Set the recurring grant: `amount` at the start of every month or day, expiring at its end; the current period gets its grant at once',
  )
  @Answers(200, 'The allowance', 'Allowance')
  @Fails(409, "NOT_A_PAYER: the account is a child in a tree, whose credits are its root's")
  set(@NameParam('account') account: string, @Body() body: SetAllowanceDto): Promise<AllowanceView> {
    const allowance = { amount: body.amount, per: body.per, priority: body.priority ?? DEFAULT_GRANT_PRIORITY };
    return this.commands.execute(new SetAllowanceCommand(account, allowance));
  }

  @Delete()
  @HttpCode(204)
  @Operation('removeAllowance', "Stop the allowance (the current period's grant runs to its end); 204 also when there is none")
  @Answers(204, 'Stopped')
  @Fails(409, "NOT_A_PAYER: the account is a child in a tree, whose credits are its root's")
  async remove(@NameParam('account') account: string): Promise<void> {
    await this.commands.execute(new RemoveAllowanceCommand(account));
  }
}
