import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { NameParam } from '../../http/params';
import { GrantCreditsCommand, type GrantAnswer } from './grant-credits.command';
import { GrantCreditsDto } from './grant-credits.dto';

@ApiTags('credits')
@ApiBearerAuth()
@Controller('v1/accounts/:account/credits')
export class GrantCreditsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Operation('grantCredits', 'Grant credits (priority, effectiveAt, expiresAt); 201 with the grant and the live balance')
  @Answers(201, 'The grant (the one already held, for a repeated id) and the live balance', 'GrantAnswer')
  @Fails(400, 'amount ≤ 0 or fractional, priority outside 1–100, expiresAt not after effectiveAt or now, a reserved id')
  @Fails(409, "NOT_A_PAYER: the account is a child in a tree, whose credits are its root's")
  grant(@NameParam('account') account: string, @Body() body: GrantCreditsDto): Promise<GrantAnswer> {
    return this.commands.execute(
      new GrantCreditsCommand(account, {
        amount: body.amount,
        reason: body.reason ?? null,
        grantId: body.id ?? null,
        ...(body.priority !== undefined ? { priority: body.priority } : {}),
        ...(body.effectiveAt !== undefined ? { effectiveAt: body.effectiveAt } : {}),
        ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
      }),
    );
  }
}
