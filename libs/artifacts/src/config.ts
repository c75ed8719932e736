// Artifact store configuration, and reading it from FLOTILLA_* environment variables with every
// problem reported at once.
import { resolve } from 'node:path';
import { EnvReader, describeInvalidEnvValue, type Env, type InvalidEnvValue } from '@flotilla/config';
import { ArtifactConfigError } from './errors.js';

export interface ArtifactGcDefaults {
  /** Artifacts kept per object at most, counting the current one. */
  readonly keep: number;
  /** Non-current artifacts older than this are deleted. */
  readonly ttlMs: number;
}

/** Flux's storage GC defaults: keep 2, delete non-current files older than 1 minute. */
export const DEFAULT_GC: ArtifactGcDefaults = { keep: 2, ttlMs: 60_000 };

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface S3ArtifactStoreConfig {
  readonly backend: 's3';
  /** e.g. http://127.0.0.1:9000; unset means AWS S3 itself. */
  readonly endpoint?: string;
  readonly region: string;
  readonly bucket: string;
  readonly forcePathStyle?: boolean;
  /** Unset means the AWS SDK's default chain (AWS_* variables, profiles, instance roles). */
  readonly credentials?: S3Credentials;
  /** Create the bucket when it does not exist; otherwise opening fails. */
  readonly createBucket?: boolean;
  /** Key prefix under which all artifacts live, e.g. 'flotilla/'. */
  readonly prefix?: string;
  /** Multipart part size in bytes (minimum 5 MiB). */
  readonly partSizeBytes?: number;
  readonly gc?: ArtifactGcDefaults;
}

export interface FsArtifactStoreConfig {
  readonly backend: 'fs';
  /** Directory holding the artifacts; created when missing. */
  readonly root: string;
  readonly gc?: ArtifactGcDefaults;
}

export type ArtifactStoreConfig = S3ArtifactStoreConfig | FsArtifactStoreConfig;

export const DEFAULT_ARTIFACTS_DIR = '.flotilla/artifacts';
export const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Reads the store configuration from the environment (see README.md for the variables).
 * Throws ArtifactConfigError listing every problem found.
 */
export function readArtifactStoreConfig(
  env: Env = process.env,
  options: { cwd?: string } = {},
): ArtifactStoreConfig {
  const vars = new EnvReader(env, describeInvalidValue);
  const backend = vars.string('FLOTILLA_ARTIFACTS_BACKEND') ?? 'fs';
  const gc: ArtifactGcDefaults = {
    keep: vars.integer('FLOTILLA_ARTIFACTS_GC_KEEP', { min: 1 }) ?? DEFAULT_GC.keep,
    ttlMs: vars.duration('FLOTILLA_ARTIFACTS_GC_TTL') ?? DEFAULT_GC.ttlMs,
  };
  let config: ArtifactStoreConfig | undefined;
  if (backend === 'fs') {
    const dir = vars.string('FLOTILLA_ARTIFACTS_DIR') ?? DEFAULT_ARTIFACTS_DIR;
    config = { backend: 'fs', root: resolve(options.cwd ?? process.cwd(), dir), gc };
  } else if (backend === 's3') {
    config = readS3Config(vars, gc);
  } else {
    vars.problem(`FLOTILLA_ARTIFACTS_BACKEND must be 's3' or 'fs', got '${backend}'`);
  }
  if (vars.problems.length > 0 || config === undefined) throw new ArtifactConfigError(vars.problems);
  return config;
}

function readS3Config(vars: EnvReader, gc: ArtifactGcDefaults): S3ArtifactStoreConfig {
  const endpoint = vars.string('FLOTILLA_S3_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    vars.problem(`FLOTILLA_S3_ENDPOINT must be an http:// or https:// URL, got '${endpoint}'`);
  }
  const bucket = vars.string('FLOTILLA_S3_BUCKET');
  if (bucket === undefined) vars.problem('FLOTILLA_S3_BUCKET is required when FLOTILLA_ARTIFACTS_BACKEND=s3');
  const accessKeyId = vars.secret('FLOTILLA_S3_ACCESS_KEY_ID');
  const secretAccessKey = vars.secret('FLOTILLA_S3_SECRET_ACCESS_KEY');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    vars.problem(
      'FLOTILLA_S3_ACCESS_KEY_ID and FLOTILLA_S3_SECRET_ACCESS_KEY must be set together (or both left unset)',
    );
  }
  const partSizeMiB = vars.integer('FLOTILLA_S3_PART_SIZE_MIB', { min: 5 }) ?? 8;
  return {
    backend: 's3',
    endpoint,
    region: vars.string('FLOTILLA_S3_REGION') ?? DEFAULT_S3_REGION,
    bucket: bucket ?? '',
    // Custom endpoints (MinIO, s3rver, Ceph) usually need path-style addressing.
    forcePathStyle: vars.boolean('FLOTILLA_S3_FORCE_PATH_STYLE') ?? endpoint !== undefined,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    createBucket: vars.boolean('FLOTILLA_S3_CREATE_BUCKET') ?? false,
    prefix: normalisePrefix(vars, vars.string('FLOTILLA_S3_PREFIX') ?? ''),
    partSizeBytes: partSizeMiB * 1024 * 1024,
    gc,
  };
}

function normalisePrefix(vars: EnvReader, prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  if (trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    vars.problem(`FLOTILLA_S3_PREFIX must not contain empty, '.' or '..' segments, got '${prefix}'`);
  }
  return `${trimmed}/`;
}

/** This package's wording of malformed values, which its users and tests know. */
function describeInvalidValue(invalid: InvalidEnvValue): string {
  const { name, value, kind, min } = invalid;
  switch (kind) {
    case 'integer':
      return `${name} must be an integer >= ${min ?? 0}, got '${value}'`;
    case 'duration':
      return `${name} must be a duration such as 30s, 1m or 1h30m, got '${value}'`;
    case 'boolean':
      return `${name} must be true, false, 1 or 0, got '${value}'`;
    default:
      return describeInvalidEnvValue(invalid);
  }
}
