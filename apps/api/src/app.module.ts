import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { AccountAsOf } from './accounts/as-of/account-as-of';
import { AccountsOfId } from './accounts/accounts-of-id';
import { AccountsController } from './accounts/list-accounts/accounts.controller';
import { ListAccountsHandler } from './accounts/list-accounts/list-accounts.handler';
import { SetAlertsController } from './accounts/set-alerts/set-alerts.controller';
import { SetAlertsHandler } from './accounts/set-alerts/set-alerts.handler';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuthGuard } from './auth/auth.guard';
import { GetCreditsController } from './credits/get-credits/get-credits.controller';
import { GetCreditsHandler } from './credits/get-credits/get-credits.handler';
import { GrantCreditsController } from './credits/grant-credits/grant-credits.controller';
import { GrantCreditsHandler } from './credits/grant-credits/grant-credits.handler';
import { GetLedgerController } from './credits/get-ledger/get-ledger.controller';
import { GetLedgerHandler } from './credits/get-ledger/get-ledger.handler';
import { ListGrantsController } from './credits/list-grants/list-grants.controller';
import { ListGrantsHandler } from './credits/list-grants/list-grants.handler';
import { SetAllowanceController } from './credits/set-allowance/set-allowance.controller';
import { RemoveAllowanceHandler, SetAllowanceHandler } from './credits/set-allowance/set-allowance.handler';
import { VoidGrantController } from './credits/void-grant/void-grant.controller';
import { VoidGrantHandler } from './credits/void-grant/void-grant.handler';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { TallyValidationPipe } from './http/validation.pipe';
import { DefineMeterController } from './meters/define-meter/define-meter.controller';
import { DefineMeterHandler } from './meters/define-meter/define-meter.handler';
import { ListMetersController } from './meters/list-meters/list-meters.controller';
import { ListMetersHandler } from './meters/list-meters/list-meters.handler';
import { OperationsController } from './operations/operations.controller';
import { ChangeQuotaController } from './quotas/change-quota/change-quota.controller';
import { ChangeQuotaHandler } from './quotas/change-quota/change-quota.handler';
import { GetQuotasController } from './quotas/get-quotas/get-quotas.controller';
import { GetQuotasHandler } from './quotas/get-quotas/get-quotas.handler';
import { SetQuotaController } from './quotas/set-quota/set-quota.controller';
import { SetQuotaHandler } from './quotas/set-quota/set-quota.handler';
import { GetBillingController } from './reports/get-billing/get-billing.controller';
import { GetBillingHandler } from './reports/get-billing/get-billing.handler';
import { GetDecisionsController } from './reports/get-decisions/get-decisions.controller';
import { GetDecisionsHandler } from './reports/get-decisions/get-decisions.handler';
import { GetUsageController } from './reports/get-usage/get-usage.controller';
import { GetUsageHandler } from './reports/get-usage/get-usage.handler';
import { CommitHoldController } from './reservations/commit-hold/commit-hold.controller';
import { CommitHoldHandler } from './reservations/commit-hold/commit-hold.handler';
import { HoldUsageController } from './reservations/hold-usage/hold-usage.controller';
import { HoldUsageHandler } from './reservations/hold-usage/hold-usage.handler';
import { ReleaseHoldController } from './reservations/release-hold/release-hold.controller';
import { ReleaseHoldHandler } from './reservations/release-hold/release-hold.handler';
import { nestLoggerParams } from './runtime/logger';
import type { Runtime } from './runtime/runtime';
import { RuntimeModule } from './runtime/runtime.module';
import { MapSubjectController } from './subjects/map-subject/map-subject.controller';
import { MapSubjectHandler } from './subjects/map-subject/map-subject.handler';
import { CheckUsageController } from './usage/check-usage/check-usage.controller';
import { CheckUsageHandler } from './usage/check-usage/check-usage.handler';
import { RecordUsageController } from './usage/record-usage/record-usage.controller';
import { RecordUsageHandler } from './usage/record-usage/record-usage.handler';
import { ReverseUsageController } from './usage/reverse-usage/reverse-usage.controller';
import { ReverseUsageHandler } from './usage/reverse-usage/reverse-usage.handler';
import { CreateWebhookController } from './webhooks/create-webhook/create-webhook.controller';
import { CreateWebhookHandler } from './webhooks/create-webhook/create-webhook.handler';
import { DeleteWebhookController } from './webhooks/delete-webhook/delete-webhook.controller';
import { DeleteWebhookHandler } from './webhooks/delete-webhook/delete-webhook.handler';
import { ListDeliveriesController } from './webhooks/list-deliveries/list-deliveries.controller';
import { ListDeliveriesHandler } from './webhooks/list-deliveries/list-deliveries.handler';
import { ListWebhooksController } from './webhooks/list-webhooks/list-webhooks.controller';
import { ListWebhooksHandler } from './webhooks/list-webhooks/list-webhooks.handler';
import { AccountTreeController } from './accounts/account-tree/account-tree.controller';
import { GetAccountTreeHandler } from './accounts/account-tree/get-account-tree.handler';
import { SetParentHandler } from './accounts/account-tree/set-parent.handler';

const HANDLERS = [
  RecordUsageHandler,
  CheckUsageHandler,
  ReverseUsageHandler,
  SetQuotaHandler,
  ChangeQuotaHandler,
  GetQuotasHandler,
  GrantCreditsHandler,
  GetCreditsHandler,
  ListGrantsHandler,
  VoidGrantHandler,
  SetAllowanceHandler,
  RemoveAllowanceHandler,
  GetLedgerHandler,
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
  SetAlertsHandler,
  SetParentHandler,
  GetAccountTreeHandler,
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
      imports: [RuntimeModule.forRuntime(runtime), CqrsModule.forRoot(), LoggerModule.forRoot(nestLoggerParams(runtime.logger))],
      // In this order: the OpenAPI document lists paths and operations as Nest meets them.
      controllers: [
        RecordUsageController,
        CheckUsageController,
        ReverseUsageController,
        HoldUsageController,
        CommitHoldController,
        ReleaseHoldController,
        SetQuotaController,
        ChangeQuotaController,
        GetQuotasController,
        GrantCreditsController,
        GetCreditsController,
        ListGrantsController,
        VoidGrantController,
        SetAllowanceController,
        GetLedgerController,
        DefineMeterController,
        ListMetersController,
        MapSubjectController,
        AccountsController,
        AccountTreeController,
        GetUsageController,
        GetBillingController,
        GetDecisionsController,
        ApiKeysController,
        SetAlertsController,
        CreateWebhookController,
        ListWebhooksController,
        DeleteWebhookController,
        ListDeliveriesController,
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
