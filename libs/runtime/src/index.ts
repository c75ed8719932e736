export * from './config.js';
export * from './logger.js';
export * from './health.js';
export * from './lifecycle.js';
export * from './controller-host.js';
