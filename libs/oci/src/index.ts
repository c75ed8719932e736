// @flotilla/oci: OCI distribution client (auth, manifests, blobs, tags), Flux artifacts, Helm OCI charts.
export * from './errors.js';
export * from './reference.js';
export { credentialsFromDockerConfig, type RegistryCredentials } from './docker-config.js';
export { parseWwwAuthenticate, type AuthScheme, type Challenge } from './auth.js';
export type { TlsOptions, TransportOptions } from './transport.js';
export { sha256, digestHex } from './digest.js';
export * from './media-types.js';
export {
  OciClient,
  clientFor,
  isIndex,
  selectPlatform,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_MANIFEST_BYTES,
  type Descriptor,
  type FetchBlobOptions,
  type FetchedManifest,
  type ImageIndex,
  type ImageManifest,
  type ManifestHead,
  type OciClientOptions,
  type Platform,
  type PushBlobOptions,
} from './client.js';
export * from './artifact.js';
export * from './helm.js';
export * from './tags.js';
