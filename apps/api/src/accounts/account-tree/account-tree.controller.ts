import { Body, Controller, Get, Put } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { TreeView } from '@tally/domain';
import { Allow } from '../../auth/roles.decorator';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { validationProblem } from '../../http/problem';
import { GetAccountTreeQuery } from './get-account-tree.query';
import { SetParentCommand } from './set-parent.command';
import { SetParentDto } from './set-parent.dto';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/accounts/:account')
export class AccountTreeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put()
  @Operation('setParent', "Set the account's parent in an account tree (null detaches it)")
  @Answers(200, 'Where the account stands now', 'AccountTree')
  @Fails(409, 'CYCLE, TOO_DEEP (more than four levels), HAS_BALANCE (the child holds credits) or HAS_CHILDREN')
  set(@NameParam('account') account: string, @Body() body: SetParentDto): Promise<TreeView> {
    if (body.parent === account) {
      throw validationProblem([{ field: 'parent', reason: 'must not be the account itself' }]);
    }
    return this.commands.execute(new SetParentCommand(account, body.parent));
  }

  @Get()
  @Allow('any')
  @Operation('getAccount', "The account's place in its tree: parent, children, depth")
  @Answers(200, 'The account in its tree', 'AccountTree')
  get(@NameParam('account') account: string): Promise<TreeView> {
    return this.queries.execute(new GetAccountTreeQuery(account));
  }
}
