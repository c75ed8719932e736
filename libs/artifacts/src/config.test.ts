import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArtifactStoreConfig } from './config.js';
import { ArtifactConfigError } from './errors.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readArtifactStoreConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactConfigError);
    return [...(error as ArtifactConfigError).problems];
  }
  throw new Error('expected the configuration to be rejected');
}

describe('readArtifactStoreConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-config-'));
    await writeFile(join(dir, 'key-id'), 'AKIAFROMFILE\n');
    await writeFile(join(dir, 'secret'), 'secret-from-file');
    await writeFile(join(dir, 'empty'), '');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to the filesystem backend under .flotilla/artifacts with Flux GC defaults', () => {
    expect(readArtifactStoreConfig({}, { cwd: '/srv/app' })).toEqual({
      backend: 'fs',
      root: '/srv/app/.flotilla/artifacts',
      gc: { keep: 2, ttlMs: 60_000 },
    });
    expect(
      readArtifactStoreConfig(
        {
          FLOTILLA_ARTIFACTS_DIR: 'data',
          FLOTILLA_ARTIFACTS_GC_KEEP: '5',
          FLOTILLA_ARTIFACTS_GC_TTL: '1h30m',
        },
        { cwd: '/srv' },
      ),
    ).toEqual({ backend: 'fs', root: '/srv/data', gc: { keep: 5, ttlMs: 5_400_000 } });
  });

  it('reads a full S3 configuration', () => {
    const config = readArtifactStoreConfig({
      FLOTILLA_ARTIFACTS_BACKEND: 's3',
      FLOTILLA_S3_ENDPOINT: 'http://127.0.0.1:9000',
      FLOTILLA_S3_REGION: 'eu-west-1',
      FLOTILLA_S3_BUCKET: 'artifacts',
      FLOTILLA_S3_FORCE_PATH_STYLE: 'false',
      FLOTILLA_S3_ACCESS_KEY_ID: 'AKIA',
      FLOTILLA_S3_SECRET_ACCESS_KEY: 'shh',
      FLOTILLA_S3_CREATE_BUCKET: 'true',
      FLOTILLA_S3_PREFIX: '/flotilla/prod/',
      FLOTILLA_S3_PART_SIZE_MIB: '16',
    });
    expect(config).toEqual({
      backend: 's3',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      bucket: 'artifacts',
      forcePathStyle: false,
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'shh' },
      createBucket: true,
      prefix: 'flotilla/prod/',
      partSizeBytes: 16 * 1024 * 1024,
      gc: { keep: 2, ttlMs: 60_000 },
    });
  });

  it('applies S3 defaults: us-east-1, path-style only with a custom endpoint, SDK credential chain', () => {
    expect(
      readArtifactStoreConfig({ FLOTILLA_ARTIFACTS_BACKEND: 's3', FLOTILLA_S3_BUCKET: 'b' }),
    ).toMatchObject({
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      credentials: undefined,
      createBucket: false,
      prefix: '',
    });
    expect(
      readArtifactStoreConfig({
        FLOTILLA_ARTIFACTS_BACKEND: 's3',
        FLOTILLA_S3_BUCKET: 'b',
        FLOTILLA_S3_ENDPOINT: 'https://minio.example',
      }),
    ).toMatchObject({ forcePathStyle: true });
  });

  it('reads credentials from files, dropping a trailing newline', () => {
    const config = readArtifactStoreConfig({
      FLOTILLA_ARTIFACTS_BACKEND: 's3',
      FLOTILLA_S3_BUCKET: 'b',
      FLOTILLA_S3_ACCESS_KEY_ID_FILE: join(dir, 'key-id'),
      FLOTILLA_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'secret'),
    });
    expect(config).toMatchObject({
      credentials: { accessKeyId: 'AKIAFROMFILE', secretAccessKey: 'secret-from-file' },
    });
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      FLOTILLA_ARTIFACTS_BACKEND: 's3',
      FLOTILLA_S3_ENDPOINT: 'minio:9000',
      FLOTILLA_S3_FORCE_PATH_STYLE: 'yes',
      FLOTILLA_S3_CREATE_BUCKET: 'maybe',
      FLOTILLA_S3_ACCESS_KEY_ID: 'AKIA',
      FLOTILLA_S3_PREFIX: 'a/../b',
      FLOTILLA_S3_PART_SIZE_MIB: '2',
      FLOTILLA_ARTIFACTS_GC_KEEP: '0',
      FLOTILLA_ARTIFACTS_GC_TTL: '60',
    });
    expect(problems).toEqual([
      "FLOTILLA_ARTIFACTS_GC_KEEP must be an integer >= 1, got '0'",
      "FLOTILLA_ARTIFACTS_GC_TTL must be a duration such as 30s, 1m or 1h30m, got '60'",
      "FLOTILLA_S3_ENDPOINT must be an http:// or https:// URL, got 'minio:9000'",
      'FLOTILLA_S3_BUCKET is required when FLOTILLA_ARTIFACTS_BACKEND=s3',
      'FLOTILLA_S3_ACCESS_KEY_ID and FLOTILLA_S3_SECRET_ACCESS_KEY must be set together (or both left unset)',
      "FLOTILLA_S3_PART_SIZE_MIB must be an integer >= 5, got '2'",
      "FLOTILLA_S3_FORCE_PATH_STYLE must be true, false, 1 or 0, got 'yes'",
      "FLOTILLA_S3_CREATE_BUCKET must be true, false, 1 or 0, got 'maybe'",
      "FLOTILLA_S3_PREFIX must not contain empty, '.' or '..' segments, got 'a/../b'",
    ]);
  });

  it('rejects conflicting, unreadable or empty secret sources and unknown backends', () => {
    expect(
      problemsOf({
        FLOTILLA_ARTIFACTS_BACKEND: 's3',
        FLOTILLA_S3_BUCKET: 'b',
        FLOTILLA_S3_ACCESS_KEY_ID: 'inline',
        FLOTILLA_S3_ACCESS_KEY_ID_FILE: join(dir, 'key-id'),
        FLOTILLA_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'missing'),
      }),
    ).toEqual([
      'set only one of FLOTILLA_S3_ACCESS_KEY_ID and FLOTILLA_S3_ACCESS_KEY_ID_FILE',
      expect.stringMatching(/^FLOTILLA_S3_SECRET_ACCESS_KEY_FILE '.*missing' cannot be read: ENOENT/),
    ]);
    expect(
      problemsOf({
        FLOTILLA_ARTIFACTS_BACKEND: 's3',
        FLOTILLA_S3_BUCKET: 'b',
        FLOTILLA_S3_ACCESS_KEY_ID: 'x',
        FLOTILLA_S3_SECRET_ACCESS_KEY_FILE: join(dir, 'empty'),
      }),
    ).toContain(`FLOTILLA_S3_SECRET_ACCESS_KEY_FILE '${join(dir, 'empty')}' is empty`);
    expect(problemsOf({ FLOTILLA_ARTIFACTS_BACKEND: 'gcs' })).toEqual([
      "FLOTILLA_ARTIFACTS_BACKEND must be 's3' or 'fs', got 'gcs'",
    ]);
  });

  it('explains the failure in the error message', () => {
    expect(() => readArtifactStoreConfig({ FLOTILLA_ARTIFACTS_BACKEND: 's3' })).toThrow(
      /invalid artifact store configuration:\n {2}- FLOTILLA_S3_BUCKET is required/,
    );
  });
});
