// @flotilla/kustomization: the Kustomization reconciler of the kustomize-controller — artifact
// fetch, kustomization.yaml generation, build, post-build substitution, SOPS decryption hook,
// staged server-side apply, prune, health, dependsOn — and its event-driven triggers.
export * from './envsubst.js';
export * from './post-build.js';
export * from './generate.js';
export * from './artifact.js';
export * from './decrypt.js';
export * from './normalize.js';
export * from './cel.js';
export * from './health-waits.js';
export * from './remote.js';
export * from './remote-bases.js';
export * from './spec.js';
export * from './reconciler.js';
export * from './controller.js';
export * from './legacy.js';
export * from './definition.js';
