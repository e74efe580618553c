import { DynamicModule, Global, Module } from '@nestjs/common';
import { ProjectionRunner, ReadModels } from '@tally/read-models';
import { AccountDecisions } from '../accounts/account-decisions';
import { Catalog } from '../accounts/catalog';
import { ApiKeys } from '../auth/api-keys';
import { Metrics } from '../operations/metrics';
import { Clock } from './clock';
import type { Runtime } from './runtime';

/** Injection tokens for runtime pieces that are interfaces, not classes. */
export const RUNTIME = Symbol('Runtime');

/** Makes the runtime's pieces injectable everywhere; the runtime itself is built outside Nest. */
@Global()
@Module({})
export class RuntimeModule {
  static forRuntime(runtime: Runtime): DynamicModule {
    const providers = [
      { provide: RUNTIME, useValue: runtime },
      { provide: ReadModels, useValue: runtime.readModels },
      { provide: ProjectionRunner, useValue: runtime.runner },
      { provide: AccountDecisions, useValue: runtime.decisions },
      { provide: Catalog, useValue: runtime.catalog },
      { provide: ApiKeys, useValue: runtime.apiKeys },
      { provide: Metrics, useValue: runtime.metrics },
      Clock,
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
