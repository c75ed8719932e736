import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type RunningS3Server } from '@flotilla/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactBucketMissingError,
  artifactPath,
  openArtifactStore,
  type S3ArtifactStoreConfig,
} from './index.js';
import { describeArtifactStoreContract } from './test-support/store-contract.js';

function storeConfig(
  server: RunningS3Server,
  overrides: Partial<S3ArtifactStoreConfig> = {},
): S3ArtifactStoreConfig {
  return {
    backend: 's3',
    endpoint: server.endpoint,
    region: server.region,
    bucket: server.bucket,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    ...overrides,
  };
}

async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

describeArtifactStoreContract('S3', async () => {
  const server = await startS3Server({ bucket: 'contract' });
  const client = new S3Client(server.clientConfig());
  const prefix = 'flotilla/';
  const store = await openArtifactStore(storeConfig(server, { prefix }));
  return {
    store,
    // s3rver reports Last-Modified with one-second resolution, as S3 itself does.
    timestampResolutionMs: 1_000,
    corrupt: async (path, bytes) => {
      const key = prefix + path;
      const head = await client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: key }));
      await client.send(
        new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: bytes, Metadata: head.Metadata }),
      );
    },
    rawEntries: async () => (await listKeys(client, server.bucket)).map((key) => key.slice(prefix.length)),
    teardown: async () => {
      await store.close();
      client.destroy();
      await server.stop();
    },
  };
});

describe('S3 store', () => {
  let server: RunningS3Server;
  let client: S3Client;
  beforeAll(async () => {
    server = await startS3Server({ bucket: 'existing' });
    client = new S3Client(server.clientConfig());
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('creates a missing bucket when allowed', async () => {
    const store = await openArtifactStore(
      storeConfig(server, { bucket: 'created-on-open', createBucket: true }),
    );
    try {
      const path = artifactPath({ kind: 'GitRepository', namespace: 'default', name: 'x' }, 'a.tar.gz');
      await store.put(path, Buffer.from('in a new bucket'));
      expect(await listKeys(client, 'created-on-open')).toEqual([path]);
    } finally {
      await store.close();
    }
    // Opening again finds the bucket instead of failing to create it.
    await (
      await openArtifactStore(storeConfig(server, { bucket: 'created-on-open', createBucket: true }))
    ).close();
  });

  it('refuses a missing bucket when creation is not allowed', async () => {
    const error = await openArtifactStore(storeConfig(server, { bucket: 'does-not-exist' })).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(ArtifactBucketMissingError);
    expect(error).toMatchObject({ code: 'ARTIFACT_BUCKET_MISSING', bucket: 'does-not-exist' });
    expect((error as Error).message).toContain('FLOTILLA_S3_CREATE_BUCKET');
  });

  it('records the digest as user metadata and keeps stores with different prefixes apart', async () => {
    const ref = { kind: 'OCIRepository', namespace: 'apps', name: 'podinfo' };
    const path = artifactPath(ref, 'abc.tar.gz');
    const first = await openArtifactStore(storeConfig(server, { prefix: 'one/' }));
    const second = await openArtifactStore(storeConfig(server, { prefix: 'two/' }));
    try {
      const stored = await first.put(path, Buffer.from('one'));
      const head = await client.send(new HeadObjectCommand({ Bucket: 'existing', Key: `one/${path}` }));
      expect(head.Metadata).toEqual({ digest: stored.digest });
      expect(await second.head(path)).toBeNull();
      expect(await second.list(ref)).toEqual([]);
      expect((await first.list(ref)).map((file) => file.path)).toEqual([path]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
