import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type RunningS3Server } from './s3.js';

describe('startS3Server', () => {
  let server: RunningS3Server;
  let client: S3Client;
  beforeAll(async () => {
    server = await startS3Server({ bucket: 'test-bucket' });
    client = new S3Client(server.clientConfig());
  });
  afterAll(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('stores and returns an object in the configured bucket', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'test-bucket', Key: 'a/b.txt', Body: 'hello' }));
    const got = await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
  });

  it('lists more than 1,000 keys across pages', async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((Key) => client.send(new PutObjectCommand({ Bucket: 'test-bucket', Key, Body: 'x' }))),
      );
    }
    let token: string | undefined;
    let count = 0;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: 'test-bucket', Prefix: 'many/', ContinuationToken: token }),
      );
      count += page.KeyCount ?? 0;
      token = page.NextContinuationToken;
    } while (token);
    expect(count).toBe(1005);
  });
});
