// @flotilla/kustomize: a kustomize v5 build engine (resources, overlays, components, built-in
// transformers, patches and generators) with file access confined to the build root.
export { build, buildAsync } from './build.js';
export type { BuildOptions, BuildResult } from './build.js';
export { KustomizeError } from './errors.js';
export type { KustomizeErrorCode } from './errors.js';
export { kustomizeBuildCommand } from './cli.js';
export type { CommandHooks, CommandIO } from './cli.js';
export { isRemote, parseRemote } from './remote.js';
export type { RemoteLoader, RemoteTarget } from './remote.js';
export type { HelmChartRenderer, HelmChartRequest } from './helm.js';
export {
  DEFAULT_MANAGED_BY,
  MANAGED_BY_LABEL,
  ORIGIN_ANNOTATION,
  TRANSFORMATIONS_ANNOTATION,
} from './build-metadata.js';
export type { KObject } from './resource.js';
