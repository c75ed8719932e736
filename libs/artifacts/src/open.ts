// Opens the configured store implementation.
import type { Logger } from 'pino';
import type { ArtifactStoreConfig } from './config.js';
import { FsArtifactStore } from './fs-store.js';
import { S3ArtifactStore } from './s3-store.js';
import type { ArtifactStore } from './store.js';

export interface OpenArtifactStoreOptions {
  /** Receives bucket creation, garbage collection and cleanup messages. */
  logger?: Logger;
}

/**
 * Opens the S3 store (checking the bucket, creating it if allowed) or the filesystem store
 * (creating the root directory). Call `close()` when done.
 */
export async function openArtifactStore(
  config: ArtifactStoreConfig,
  options: OpenArtifactStoreOptions = {},
): Promise<ArtifactStore> {
  if (config.backend === 's3') return S3ArtifactStore.open(config, options.logger);
  return FsArtifactStore.open(config, options.logger);
}
