export * from './kafka-usage-publisher';
export * from './tally-client';
export * from './usage-input';
