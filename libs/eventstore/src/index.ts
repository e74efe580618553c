export * from './event-store';
export * from './retry';
export * from './sql/pg-client';
export * from './sql/pglite-client';
export * from './sql/schema';
export * from './sql/sql-client';
export * from './sql/sql-event-store';
export * from './esdb/esdb-event-store';
