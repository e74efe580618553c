export * from './account-list';
export * from './projection';
export * from './projection-runner';
export * from './projections';
export * from './queries';
export * from './schema';
