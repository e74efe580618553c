export * from './cloudevents-attributes';
export * from './cloudevents-binding';
export * from './decision-message';
export * from './field-rules';
export * from './topics';
export * from './usage-contract';
export * from './usage-schema';
export * from './validation';
