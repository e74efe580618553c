export * from './address-rule';
export * from './start-webhooks';
export * from './webhook-deliverer';
export * from './webhook-endpoints';
export * from './webhook-outbox';
export * from './webhook-schema';
export * from './webhook-sender';
