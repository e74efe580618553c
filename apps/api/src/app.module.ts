import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AccountsController } from './accounts/list-accounts/accounts.controller';
import { ListAccountsHandler } from './accounts/list-accounts/list-accounts.handler';
import { AlertsController } from './accounts/set-alerts/alerts.controller';
import { SetAlertsHandler } from './accounts/set-alerts/set-alerts.handler';
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
import { loggerOptions } from './runtime/logger';
import type { Runtime } from './runtime/runtime';
import { RuntimeModule } from './runtime/runtime.module';
import { MapSubjectHandler, SubjectsController } from './subjects/subjects.controller';
import { CheckUsageHandler } from './usage/check-usage/check-usage.handler';
import { RequestUsageHandler } from './usage/request-usage/request-usage.handler';
import { ReverseUsageHandler } from './usage/reverse-usage/reverse-usage.handler';
import { UsageController } from './usage/usage.controller';
import { CreateWebhookHandler } from './webhooks/create-webhook/create-webhook.handler';
import { DeleteWebhookHandler } from './webhooks/delete-webhook/delete-webhook.handler';
import { ListDeliveriesHandler } from './webhooks/list-deliveries/list-deliveries.handler';
import { ListWebhooksHandler } from './webhooks/list-webhooks/list-webhooks.handler';
import { WebhooksController } from './webhooks/webhooks.controller';

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
  SetAlertsHandler,
  CreateWebhookHandler,
  ListWebhooksHandler,
  DeleteWebhookHandler,
  ListDeliveriesHandler,
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
        QuotasController,
        CreditsController,
        MetersController,
        SubjectsController,
        AccountsController,
        ReportsController,
        ApiKeysController,
        AlertsController,
        WebhooksController,
        OperationsController,
      ],
      providers: [
        ...HANDLERS,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useValue: new TallyValidationPipe() },
      ],
    };
  }
}
