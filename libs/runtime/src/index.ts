export * from './config';
export * from './logger';
export * from './stores';
export * from './kafka';
export * from './relay';
export * from './projection-metrics';
