export * from './process.js';
export * from './nats.js';
export * from './s3.js';
