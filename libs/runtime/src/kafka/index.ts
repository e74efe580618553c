export * from './kafka.adapter';
export * from './produce-chunks';
