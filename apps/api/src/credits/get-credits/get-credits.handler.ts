import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CreditTotals } from '@tally/events';
import { ReadModels } from '@tally/read-models';
import { GetCreditsQuery } from './get-credits.query';

@QueryHandler(GetCreditsQuery)
export class GetCreditsHandler implements IQueryHandler<GetCreditsQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account }: GetCreditsQuery): Promise<CreditTotals | null> {
    return this.readModels.credits(account);
  }
}
