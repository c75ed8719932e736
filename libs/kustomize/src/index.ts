// @flotilla/kustomize: a kustomize v5 build engine (resources, overlays, components, built-in
// transformers, patches and generators) with file access confined to the build root.
export { build } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export { KustomizeError } from './errors.js';
export type { KustomizeErrorCode } from './errors.js';
export { kustomizeBuildCommand } from './cli.js';
export type { CommandIO } from './cli.js';
export type { KObject } from './resource.js';
