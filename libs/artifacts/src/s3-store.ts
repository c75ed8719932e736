// S3 artifact store. The digest is only known once the upload has streamed through, but S3 user
// metadata must be set when an object is created, so put uploads to a temp key and then
// server-side copies it to the final key with `digest` metadata: the final key appears complete
// and with its digest, or not at all.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type BucketLocationConstraint,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from 'pino';
import {
  DEFAULT_GC,
  DEFAULT_S3_REGION,
  type ArtifactGcDefaults,
  type S3ArtifactStoreConfig,
} from './config.js';
import { DigestingStream, parseDigest, toReadable, verifyDigest, type ByteSource } from './digest.js';
import { ArtifactBucketMissingError, ArtifactNotFoundError } from './errors.js';
import { collectGarbage, type GcOptions, type GcResult } from './gc.js';
import { objectDirectory, validateArtifactPath, type ObjectRef } from './paths.js';
import type { ArtifactFileInfo, ArtifactStore, GetArtifactOptions, StoredArtifact } from './store.js';

const TEMP_PREFIX = '.flotilla-tmp/';
const DIGEST_METADATA_KEY = 'digest';
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const PARALLEL_UPLOADS = 4;

export function s3ClientConfig(config: S3ArtifactStoreConfig): S3ClientConfig {
  return {
    endpoint: config.endpoint,
    region: config.region || DEFAULT_S3_REGION,
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    credentials: config.credentials,
    // Default checksum headers (CRC32 trailers) are not understood by s3rver and other
    // S3-compatible servers; integrity comes from our own sha256 digest.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

export class S3ArtifactStore implements ArtifactStore {
  readonly backend = 's3' as const;
  private readonly bucket: string;
  private readonly region: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly gcDefaults: ArtifactGcDefaults;

  private constructor(
    private readonly client: S3Client,
    config: S3ArtifactStoreConfig,
    private readonly logger: Logger | undefined,
  ) {
    this.bucket = config.bucket;
    this.region = config.region || DEFAULT_S3_REGION;
    this.prefix = config.prefix ?? '';
    this.partSize = config.partSizeBytes ?? DEFAULT_PART_SIZE;
    this.gcDefaults = config.gc ?? DEFAULT_GC;
  }

  /** Connects and checks the bucket, creating it when missing if `createBucket` allows. */
  static async open(config: S3ArtifactStoreConfig, logger?: Logger): Promise<S3ArtifactStore> {
    const client = new S3Client(s3ClientConfig(config));
    const store = new S3ArtifactStore(client, config, logger);
    try {
      await store.ensureBucket(config.createBucket ?? false);
    } catch (error) {
      client.destroy();
      throw error;
    }
    return store;
  }

  async put(path: string, body: ByteSource): Promise<StoredArtifact & { digest: string }> {
    const key = this.key(path);
    const tempKey = `${this.prefix}${TEMP_PREFIX}${randomUUID()}`;
    const digesting = new DigestingStream();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tempKey, Body: digesting },
      partSize: this.partSize,
      queueSize: PARALLEL_UPLOADS,
      leavePartsOnError: false,
    });
    // A failed upload stops reading; destroying the hasher then ends the feeding pipeline too.
    const uploading = upload.done().catch((error: unknown) => {
      digesting.destroy(error as Error);
      throw error;
    });
    const results = await Promise.allSettled([pipeline(toReadable(body), digesting), uploading]);
    try {
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      const digest = digesting.digest();
      // A single CopyObject is capped at 5 GiB by S3, which bounds the artifact size.
      const copied = await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: key,
          CopySource: this.copySource(tempKey),
          MetadataDirective: 'REPLACE',
          Metadata: { [DIGEST_METADATA_KEY]: digest },
        }),
      );
      return {
        path,
        digest,
        size: digesting.byteCount(),
        lastUpdateTime: copied.CopyObjectResult?.LastModified ?? new Date(),
      };
    } finally {
      await this.client
        .send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tempKey }))
        .catch((error: unknown) =>
          this.logger?.warn({ err: error, key: tempKey }, 'could not delete temp upload'),
        );
    }
  }

  async get(path: string, options: GetArtifactOptions = {}): Promise<Readable> {
    const key = this.key(path);
    if (options.digest !== undefined) parseDigest(options.digest);
    const response = await this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key }))
      .catch((error) => {
        throw isNotFound(error) ? new ArtifactNotFoundError(path) : error;
      });
    const body = response.Body as Readable;
    const expected = options.digest ?? response.Metadata?.[DIGEST_METADATA_KEY];
    return expected === undefined ? body : verifyDigest(body, expected, path);
  }

  async head(path: string): Promise<StoredArtifact | null> {
    const key = this.key(path);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        path,
        digest: response.Metadata?.[DIGEST_METADATA_KEY],
        size: response.ContentLength ?? 0,
        lastUpdateTime: response.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async list(ref: ObjectRef): Promise<ArtifactFileInfo[]> {
    // The delimiter keeps deeper keys out, as a directory listing would.
    return this.listUnder(objectDirectory(ref), '/');
  }

  async delete(path: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
  }

  async deleteAll(ref: ObjectRef): Promise<string[]> {
    const paths = (await this.listUnder(objectDirectory(ref))).map((file) => file.path);
    // One request per key: multi-object delete needs Content-MD5, which S3-compatible servers handle unevenly.
    for (const path of paths)
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + path }));
    return paths;
  }

  async copy(from: string, to: string): Promise<StoredArtifact> {
    const source = this.key(from);
    const target = this.key(to);
    const copied = await this.client
      .send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: target,
          CopySource: this.copySource(source),
          MetadataDirective: 'COPY',
        }),
      )
      .catch((error: unknown) => {
        throw isNotFound(error) ? new ArtifactNotFoundError(from) : error;
      });
    const stored = await this.head(to);
    if (stored === null) throw new ArtifactNotFoundError(to);
    return { ...stored, lastUpdateTime: copied.CopyObjectResult?.LastModified ?? stored.lastUpdateTime };
  }

  async gc(ref: ObjectRef, options: GcOptions = {}): Promise<GcResult> {
    return collectGarbage(this, ref, options, this.gcDefaults, this.logger);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async listUnder(directory: string, delimiter?: string): Promise<ArtifactFileInfo[]> {
    const files: ArtifactFileInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + directory,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        const path = object.Key.slice(this.prefix.length);
        files.push({ path, size: object.Size ?? 0, lastUpdateTime: object.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  private key(path: string): string {
    return this.prefix + validateArtifactPath(path);
  }

  private copySource(key: string): string {
    return `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async ensureBucket(create: boolean): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!create) throw new ArtifactBucketMissingError(this.bucket);
    try {
      // us-east-1 is the one region that rejects an explicit location constraint.
      const location =
        this.region === 'us-east-1'
          ? undefined
          : { LocationConstraint: this.region as BucketLocationConstraint };
      await this.client.send(
        new CreateBucketCommand({ Bucket: this.bucket, CreateBucketConfiguration: location }),
      );
      this.logger?.info({ bucket: this.bucket }, 'created artifact bucket');
    } catch (error) {
      // Another replica may have created it first.
      if ((error as Error).name !== 'BucketAlreadyOwnedByYou') throw error;
    }
  }
}

function isNotFound(error: unknown): boolean {
  const name = (error as Error)?.name;
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}
