export * from './alert-records';
export * from './decision-records';
export * from './outbox-record';
export * from './outbox-relay';
export * from './relay-checkpoint';
export * from './relay-metrics';
export * from './kafka-relay';
