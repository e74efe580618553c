import { Body, Controller, Patch } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { withDefaultBurst, type QuotaTerms } from '@tally/events';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { validationProblem } from '../../http/problem';
import { ChangeQuotaCommand } from './change-quota.command';
import { ChangeQuotaDto } from './change-quota.dto';

@ApiTags('quotas')
@ApiBearerAuth()
@Controller('v1/accounts/:account/quotas')
export class ChangeQuotaController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':meter')
  @Operation('changeQuota', 'Change some fields of a quota')
  @Answers(200, 'The stored terms', 'QuotaTerms')
  @Fails(404, 'The account has no quota for this meter')
  change(
    @NameParam('account') account: string,
    @NameParam('meter') meter: string,
    @Body() body: ChangeQuotaDto,
  ): Promise<QuotaTerms> {
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<QuotaTerms>;
    if (Object.keys(patch).length === 0) throw validationProblem([{ field: '', reason: 'name at least one field to change' }]);
    if (body.rateLimit) patch.rateLimit = withDefaultBurst(body.rateLimit);
    return this.commands.execute(new ChangeQuotaCommand(account, meter, patch));
  }
}
