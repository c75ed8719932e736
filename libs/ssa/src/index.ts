// @flotilla/ssa: the server-side apply manager shared by the appliers (kustomize-controller,
// later helm-controller): staged apply with dry-run validation, drift detection, forced
// recreation, ownership-checked deletion, inventory ids and kstatus health.
export * from './object-id.js';
export * from './staging.js';
export * from './health.js';
export * from './policy.js';
export * from './change-set.js';
export * from './errors.js';
export * from './manager.js';
