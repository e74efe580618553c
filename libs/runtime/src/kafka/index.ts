export * from './kafka.adapter';
export * from './gzip-codec';
export * from './produce-chunks';
export * from './record-encoder';
