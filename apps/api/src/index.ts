/** What tests and embedders use to run the api in-process. */
export { createHttpApp } from './http-app';
export { startKafkaIntake } from './kafka-intake/start-kafka-intake';
export { openRuntime, type Runtime } from './runtime/runtime';
export { AccountHandler } from './accounts/account-handler';
export { ClaimsPruner } from './accounts/claims-pruner';
export { Clock } from './runtime/clock';
export { HANDLER_DEFAULTS, type AccountHandlerOptions } from './accounts/account-handler-options';
export { CatalogCache } from './catalog/catalog-cache';
export { cachedUsageCommand, decideUsageCommands } from './usage/record-usage/decide-usage-command';
export { GetQuotasHandler } from './quotas/get-quotas/get-quotas.handler';
export { GetQuotasQuery } from './quotas/get-quotas/get-quotas.query';
export type { HoldView } from './reservations/hold-usage/hold-usage.dto';
export type { ReleasedView } from './reservations/release-hold/release-hold.dto';
export { decodeBillingCursor, encodeBillingCursor } from './reports/get-billing/billing-cursor';
