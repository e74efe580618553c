import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AccountAsOf } from './accounts/as-of/account-as-of';
import { AccountsOfId } from './accounts/accounts-of-id';
import { AccountsController } from './accounts/list-accounts/accounts.controller';
import { ListAccountsHandler } from './accounts/list-accounts/list-accounts.handler';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthGuard } from './auth/auth.guard';
import { CreditsController } from './credits/credits.controller';
import { GetCreditsHandler, GrantCreditsHandler } from './credits/credits.handlers';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { TallyValidationPipe } from './http/validation.pipe';
import { MetersController } from './meters/meters.controller';
import { DefineMeterHandler, ListMetersHandler } from './meters/meters.handlers';
import { OperationsController } from './operations/operations.controller';
import { QuotasController } from './quotas/quotas.controller';
import { ChangeQuotaHandler, GetQuotasHandler, SetQuotaHandler } from './quotas/quota.handlers';
import { ReportsController } from './reports/reports.controller';
import { GetBillingHandler, GetDecisionsHandler, GetUsageHandler } from './reports/reports.handlers';
import { CommitHoldController } from './reservations/commit-hold/commit-hold.controller';
import { CommitHoldHandler } from './reservations/commit-hold/commit-hold.handler';
import { HoldUsageController } from './reservations/hold-usage/hold-usage.controller';
import { HoldUsageHandler } from './reservations/hold-usage/hold-usage.handler';
import { ReleaseHoldController } from './reservations/release-hold/release-hold.controller';
import { ReleaseHoldHandler } from './reservations/release-hold/release-hold.handler';
import { loggerOptions } from './runtime/logger';
import type { Runtime } from './runtime/runtime';
import { RuntimeModule } from './runtime/runtime.module';
import { MapSubjectHandler, SubjectsController } from './subjects/subjects.controller';
import { CheckUsageHandler } from './usage/check-usage/check-usage.handler';
import { RequestUsageHandler } from './usage/request-usage/request-usage.handler';
import { ReverseUsageHandler } from './usage/reverse-usage/reverse-usage.handler';
import { UsageController } from './usage/usage.controller';

const HANDLERS = [
  RequestUsageHandler,
  CheckUsageHandler,
  ReverseUsageHandler,
  SetQuotaHandler,
  ChangeQuotaHandler,
  GetQuotasHandler,
  GrantCreditsHandler,
  GetCreditsHandler,
  DefineMeterHandler,
  ListMetersHandler,
  MapSubjectHandler,
  GetUsageHandler,
  GetBillingHandler,
  GetDecisionsHandler,
  ListAccountsHandler,
  HoldUsageHandler,
  CommitHoldHandler,
  ReleaseHoldHandler,
];

/** The HTTP application over a runtime built outside Nest (see runtime/runtime.ts). */
@Module({})
export class AppModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [RuntimeModule.forRuntime(runtime), CqrsModule.forRoot(), LoggerModule.forRoot(loggerOptions(runtime.logger))],
      controllers: [
        UsageController,
        HoldUsageController,
        CommitHoldController,
        ReleaseHoldController,
        QuotasController,
        CreditsController,
        MetersController,
        SubjectsController,
        AccountsController,
        ReportsController,
        ApiKeysController,
        OperationsController,
      ],
      providers: [
        ...HANDLERS,
        AccountAsOf,
        AccountsOfId,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: new TallyValidationPipe() },
      ],
    };
  }
}
