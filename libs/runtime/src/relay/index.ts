export * from './alert-records';
export * from './decision-records';
export * from './decision-relay';
export * from './relay-checkpoint';
export * from './relay-metrics';
export * from './kafka-relay';
