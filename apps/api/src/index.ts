/** What tests and embedders use to run the api in-process. */
export { createHttpApp } from './http-app';
export { startKafkaIntake } from './kafka-intake/start-kafka-intake';
export { openRuntime, type Runtime } from './runtime/runtime';
export { AccountDecisions } from './accounts/account-decisions';
export { AccountRepository } from './accounts/account-repository';
export { ClaimsPruner } from './accounts/claims-pruner';
export { Clock } from './runtime/clock';
export { REPOSITORY_DEFAULTS, type RepositoryOptions } from './accounts/repository-options';
export { CatalogCache } from './catalog/catalog-cache';
export type { HoldView } from './reservations/hold-usage/hold-usage.dto';
export type { ReleasedView } from './reservations/release-hold/release-hold.dto';
export { decodeBillingCursor, encodeBillingCursor } from './reports/get-billing/billing-cursor';
