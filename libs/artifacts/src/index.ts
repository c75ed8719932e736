// @flotilla/artifacts: the shared artifact store (S3 or filesystem) and Flux's tarball format.
export type { ArtifactStore, StoredArtifact, ArtifactFileInfo, GetArtifactOptions } from './store.js';
export { openArtifactStore, type OpenArtifactStoreOptions } from './open.js';
export {
  readArtifactStoreConfig,
  DEFAULT_GC,
  DEFAULT_ARTIFACTS_DIR,
  DEFAULT_S3_REGION,
  type ArtifactStoreConfig,
  type S3ArtifactStoreConfig,
  type FsArtifactStoreConfig,
  type ArtifactGcDefaults,
  type S3Credentials,
} from './config.js';
export { s3ClientConfig } from './s3-store.js';
export type { GcOptions, GcResult } from './gc.js';
export {
  artifactPath,
  objectDirectory,
  stableAliasName,
  stableAliasPath,
  validateArtifactPath,
  STABLE_ALIAS_NAMES,
  type ObjectRef,
} from './paths.js';
export {
  computeDigest,
  verifyDigest,
  parseDigest,
  DIGEST_PATTERN,
  type ByteSource,
  type DigestAlgorithm,
} from './digest.js';
export {
  packDirectory,
  packEntries,
  type PackDirectoryOptions,
  type PackFilter,
  type PackFilterEntry,
  type PackEntryContent,
} from './tar/pack.js';
export {
  unpackTarball,
  DEFAULT_UNPACK_MAX_BYTES,
  DEFAULT_UNPACK_MAX_FILES,
  type UnpackOptions,
  type UnpackResult,
} from './tar/unpack.js';
export * from './errors.js';
