// Artifact store configuration, and reading it from FLOTILLA_* environment variables with every
// problem reported at once.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
  env: NodeJS.ProcessEnv = process.env,
  options: { cwd?: string } = {},
): ArtifactStoreConfig {
  const vars = new EnvReader(env);
  const backend = vars.string('FLOTILLA_ARTIFACTS_BACKEND') ?? 'fs';
  const gc: ArtifactGcDefaults = {
    keep: vars.integer('FLOTILLA_ARTIFACTS_GC_KEEP', DEFAULT_GC.keep, 1),
    ttlMs: vars.duration('FLOTILLA_ARTIFACTS_GC_TTL', DEFAULT_GC.ttlMs),
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
  const partSizeMiB = vars.integer('FLOTILLA_S3_PART_SIZE_MIB', 8, 5);
  return {
    backend: 's3',
    endpoint,
    region: vars.string('FLOTILLA_S3_REGION') ?? DEFAULT_S3_REGION,
    bucket: bucket ?? '',
    // Custom endpoints (MinIO, s3rver, Ceph) usually need path-style addressing.
    forcePathStyle: vars.boolean('FLOTILLA_S3_FORCE_PATH_STYLE', endpoint !== undefined),
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    createBucket: vars.boolean('FLOTILLA_S3_CREATE_BUCKET', false),
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

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Go-style durations as Flux flags take them: '90s', '1m', '1h30m', '500ms'. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The trimmed value, or undefined when unset or blank. */
  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.problem(`${name} must be true, false, 1 or 0, got '${value}'`);
    return fallback;
  }

  integer(name: string, fallback: number, min: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(parsed) && parsed >= min) return parsed;
    this.problem(`${name} must be an integer >= ${min}, got '${value}'`);
    return fallback;
  }

  duration(name: string, fallbackMs: number): number {
    const value = this.string(name);
    if (value === undefined) return fallbackMs;
    const parsed = parseDuration(value);
    if (parsed !== undefined) return parsed;
    this.problem(`${name} must be a duration such as 30s, 1m or 1h30m, got '${value}'`);
    return fallbackMs;
  }

  /** A secret given inline as NAME or as a file path in NAME_FILE (trailing newline dropped). */
  secret(name: string): string | undefined {
    const inline = this.string(name);
    const file = this.string(`${name}_FILE`);
    if (inline !== undefined && file !== undefined) {
      this.problem(`set only one of ${name} and ${name}_FILE`);
      return undefined;
    }
    if (file === undefined) return inline;
    try {
      const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (value !== '') return value;
      this.problem(`${name}_FILE '${file}' is empty`);
    } catch (error) {
      this.problem(`${name}_FILE '${file}' cannot be read: ${(error as Error).message}`);
    }
    return undefined;
  }
}
