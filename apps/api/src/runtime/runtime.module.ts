import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProjectionRunner, ReadModels } from '@tally/read-models';
import { AddressRule, WebhookEndpoints, WebhookOutbox } from '@tally/runtime';
import { AccountHandler } from '../accounts/account-handler';
import { CatalogCache } from '../catalog/catalog-cache';
import { ApiKeys } from '../auth/api-keys';
import { Authenticator } from '../auth/authenticator';
import { Metrics } from '../operations/metrics';
import { Readiness } from '../operations/readiness';
import { Clock } from './clock';
import type { Runtime } from './runtime';

/** Injection token of the event store: an interface (SQL or EventStoreDB adapter), so it has no class to inject by. */
export const EVENT_STORE = Symbol('EventStore');

/** Makes each piece of the runtime injectable on its own; the runtime itself is built outside Nest. */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: EVENT_STORE, useValue: runtime.store },
      { provide: Readiness, useValue: new Readiness(runtime) },
      { provide: ReadModels, useValue: runtime.readModels },
      { provide: ProjectionRunner, useValue: runtime.runner },
      { provide: AccountHandler, useValue: runtime.decisions },
      { provide: CatalogCache, useValue: runtime.catalog },
      { provide: ApiKeys, useValue: runtime.apiKeys },
      { provide: Authenticator, useValue: runtime.authenticator },
      { provide: Metrics, useValue: runtime.metrics },
      { provide: WebhookEndpoints, useValue: runtime.webhooks.endpoints },
      { provide: WebhookOutbox, useValue: runtime.webhooks.outbox },
      { provide: AddressRule, useValue: runtime.webhooks.rule },
      Clock,
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
