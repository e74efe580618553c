export * from './account-events';
export * from './alert-events';
export * from './catalog-events';
export * from './quota-terms';
export * from './reasons';
export * from './serde';
export * from './streams';
export * from './usage-message';
