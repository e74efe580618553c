export * from './contract';
export * from './kafka-usage-publisher';
export * from './tally-client';
export * from './tally-error';
export * from './usage-input';
