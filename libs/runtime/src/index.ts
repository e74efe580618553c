export * from './config';
export * from './logger';
export * from './stores';
export * from './kafka';
export * from './relay';
export * from './startup-failure';
export * from './projection-metrics';
