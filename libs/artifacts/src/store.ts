// The artifact store contract shared by the S3 and filesystem implementations.
import type { Readable } from 'node:stream';
import type { ByteSource } from './digest.js';
import type { GcOptions, GcResult } from './gc.js';
import type { ObjectRef } from './paths.js';

/** What `put` and `head` report; maps onto Flux's `status.artifact` (path, digest, size, lastUpdateTime). */
export interface StoredArtifact {
  readonly path: string;
  /** `sha256:<hex>` of the stored bytes; undefined only for objects written by something else. */
  readonly digest: string | undefined;
  readonly size: number;
  readonly lastUpdateTime: Date;
}

/** A `list` entry: listings do not carry digests (S3 listings have no user metadata). */
export interface ArtifactFileInfo {
  readonly path: string;
  readonly size: number;
  readonly lastUpdateTime: Date;
}

export interface GetArtifactOptions {
  /** Expected digest, e.g. `status.artifact.digest`; overrides the digest stored with the file. */
  digest?: string;
}

export interface ArtifactStore {
  readonly backend: 's3' | 'fs';
  /**
   * Streams `body` into storage at `path` (replacing any file there), computing its sha256 on the
   * way. The file appears only once complete: readers never see a partial write.
   */
  put(path: string, body: ByteSource): Promise<StoredArtifact & { digest: string }>;
  /**
   * Opens a stream of the file. It errors with DigestMismatchError at the end when the bytes do not
   * match the caller's digest, or else the stored one. Rejects with ArtifactNotFoundError if absent.
   */
  get(path: string, options?: GetArtifactOptions): Promise<Readable>;
  /** Metadata of the file, or null when it does not exist. */
  head(path: string): Promise<StoredArtifact | null>;
  /** Files directly under the object's directory `<kind>/<namespace>/<name>/`, sorted by path. */
  list(ref: ObjectRef): Promise<ArtifactFileInfo[]>;
  /** Deletes one file; deleting a missing file succeeds. */
  delete(path: string): Promise<void>;
  /** Deletes everything under the object's directory (Flux does this when the object is deleted); returns the paths. */
  deleteAll(ref: ObjectRef): Promise<string[]>;
  /** Copies a stored file with its digest, e.g. to write the stable alias (see stableAliasPath). */
  copy(from: string, to: string): Promise<StoredArtifact>;
  /** Garbage-collects the object's directory; unset options come from the store's configuration. */
  gc(ref: ObjectRef, options?: GcOptions): Promise<GcResult>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
