import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { ReadModels, type DecisionView } from '@tally/read-models';
import { GetDecisionsQuery } from './get-decisions.query';

@QueryHandler(GetDecisionsQuery)
export class GetDecisionsHandler implements IQueryHandler<GetDecisionsQuery> {
  constructor(private readonly readModels: ReadModels) {}

  execute({ account, limit, before }: GetDecisionsQuery): Promise<DecisionView[]> {
    return this.readModels.decisions(account, limit, before);
  }
}
