// S3 access for Bucket sources (providers generic and aws) with @aws-sdk/client-s3 against any
// S3-compatible endpoint: existence check, optional root `.sourceignore`, paginated listing and
// downloads with bounded parallelism into a directory.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { TlsMaterial } from '../http-get.js';
import { SOURCE_IGNORE_FILE } from '../ignore-rules.js';
import type { BucketIndex } from './bucket-index.js';

export interface BucketAccess {
  /** PEM CA bundle and client certificate (certSecretRef). */
  tls?: TlsMaterial;
  endpoint: string;
  bucketName: string;
  region?: string;
  insecure?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class BucketNotFoundError extends Error {
  constructor(readonly bucketName: string) {
    super(`bucket '${bucketName}' not found`);
    this.name = 'BucketNotFoundError';
  }
}

export class UnsafeObjectKeyError extends Error {
  constructor(readonly key: string) {
    super(`object key '${key}' would be written outside the artifact directory`);
    this.name = 'UnsafeObjectKeyError';
  }
}

/** `host[:port]` (or a full URL) → endpoint URL; `insecure` picks http. */
export function endpointUrl(endpoint: string, insecure: boolean | undefined): string {
  if (/^https?:\/\//.test(endpoint)) return endpoint;
  return `${insecure ? 'http' : 'https'}://${endpoint}`;
}

export function s3Client(access: BucketAccess): S3Client {
  const config: S3ClientConfig = {
    endpoint: endpointUrl(access.endpoint, access.insecure),
    region: access.region || 'us-east-1',
    forcePathStyle: true,
    // S3-compatible servers often reject the SDK's default CRC32 trailers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 2,
  };
  if (access.credentials) config.credentials = access.credentials;
  if (access.tls) config.requestHandler = { httpsAgent: new HttpsAgent({ ...access.tls, keepAlive: true }) };
  return new S3Client(config);
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey) return true;
  return (
    error instanceof S3ServiceException &&
    (error.$metadata.httpStatusCode === 404 || error.name === 'NotFound' || error.name === 'NoSuchBucket')
  );
}

export async function checkBucket(client: S3Client, bucket: string, signal: AbortSignal): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: signal });
  } catch (error) {
    if (isMissing(error)) throw new BucketNotFoundError(bucket);
    throw error;
  }
}

/** The root `.sourceignore` object's text, or undefined when there is none. */
export async function readSourceIgnore(
  client: S3Client,
  bucket: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: SOURCE_IGNORE_FILE }), {
      abortSignal: signal,
    });
    return await response.Body?.transformToString('utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export async function listInto(
  client: S3Client,
  options: { bucket: string; prefix?: string; signal: AbortSignal },
  index: BucketIndex,
): Promise<void> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: options.bucket,
        ...(options.prefix ? { Prefix: options.prefix } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
      { abortSignal: options.signal },
    );
    for (const object of page.Contents ?? []) if (object.Key) index.add(object.Key, object.ETag ?? '');
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Where a key lands under `dir`; keys that would leave it are refused. */
export function localPathOf(dir: string, key: string): string {
  const root = resolve(dir);
  const target = resolve(root, key.replace(/^\/+/, ''));
  if (!target.startsWith(`${root}${sep}`)) throw new UnsafeObjectKeyError(key);
  return target;
}

/** Downloads every key into `dir` (20 at a time). */
export async function downloadAll(
  client: S3Client,
  options: { bucket: string; keys: string[]; dir: string; signal: AbortSignal; concurrency?: number },
): Promise<void> {
  const queue = options.keys.map((key) => ({ key, path: localPathOf(options.dir, key) }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: next.key }), {
        abortSignal: options.signal,
      });
      await mkdir(dirname(next.path), { recursive: true });
      const body = response.Body as Readable | undefined;
      await pipeline(body ?? Readable.from([]), createWriteStream(next.path));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 20, queue.length) }, worker));
}
