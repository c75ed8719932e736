// @flotilla/api: Flux kinds (TypeBox schemas and types), generated CRDs, structural validation,
// pruning and defaulting, and version normalisation.
export * from './kind-spec.js';
export * from './common.js';
export * from './structural.js';
export * from './crd.js';
export * from './crd-files.js';
export * from './kind-registry.js';
export * from './registry.js';
export * from './validate.js';
export * from './normalise.js';
export * from './kinds/source.js';
export * from './kinds/kustomize.js';
export * from './kinds/helm.js';
export * from './kinds/image.js';
export * from './kinds/notification.js';
