// Bucket (generic provider) against s3rver: prefix, root .sourceignore + spec.ignore, the index
// revision, no rebuild for an unchanged index, a changed object producing a new artifact, and the
// failures (missing secret keys, wrong credentials, missing bucket).
import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type RunningS3Server } from '@flotilla/testing';
import type { Artifact } from '../storage.js';
import { readChartFromArchive } from '../test-support/chart-archive.js';
import {
  conditionOf,
  download,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';

describe('Bucket', () => {
  let h: SourceHarness;
  let s3: RunningS3Server;
  let client: S3Client;
  const etags = new Map<string, string>();

  const put = async (Key: string, Body: string) => {
    const result = await client.send(
      new PutObjectCommand({ Bucket: 'sources', Key, Body: Buffer.from(Body) }),
    );
    etags.set(Key, (result.ETag ?? '').replace(/"/g, ''));
  };

  const env = useSourceSuite({ s3: () => startS3Server({ bucket: 'unused' }) });
  beforeAll(async () => {
    ({ h, s3 } = env);
    client = new S3Client(s3.clientConfig());
    await client.send(new CreateBucketCommand({ Bucket: 'sources' }));
    await put('.sourceignore', '*.txt\n');
    await put('app/deploy.yaml', 'kind: ConfigMap\n');
    await put('app/notes.txt', 'ignored by .sourceignore\n');
    await put('app/secret.env', 'ignored by spec.ignore\n');
    await put('app/sub/', '');
    await put('other/x.yaml', 'outside the prefix\n');
    await put('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 2.3.4\n');
    await put('charts/web/values.yaml', 'port: 80\n');
    await put('charts/web/templates/svc.yaml', 'kind: Service\n');
  });
  afterAll(async () => {
    client?.destroy();
  });

  const bucket = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('Bucket', namespace, name, {
      interval: '10m',
      provider: 'generic',
      bucketName: 'sources',
      endpoint: s3.endpoint.replace('http://', ''),
      insecure: true,
      secretRef: { name: 's3' },
      ...spec,
    });

  it('archives the objects under the prefix minus ignored keys, with the index revision', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 's3', { accesskey: s3.accessKeyId, secretkey: s3.secretAccessKey });
    await h.create('Bucket', bucket(ns, 'app', { prefix: 'app/', ignore: '*.env' }));
    const ready = await h.waitFor('Bucket', ns, 'app', isReady);
    const artifact = ready.status?.artifact as Artifact;
    const revision = `sha256:${createHash('sha256')
      .update(`app/deploy.yaml ${etags.get('app/deploy.yaml')}\n`)
      .digest('hex')}`;
    expect(artifact.revision).toBe(revision);
    expect(artifact.path).toBe(`bucket/${ns}/app/${revision.slice(7)}.tar.gz`);
    const files = await readChartFromArchive(await download(artifact.url));
    expect([...files.keys()]).toEqual(['app/deploy.yaml']);
    expect(ready.status?.observedIgnore).toBe('*.env');
    expect(conditionOf(ready, 'Ready')?.message).toBe(`stored artifact for revision '${revision}'`);

    // Unchanged index: same artifact, no new file.
    await h.annotate('Bucket', ns, 'app', { 'reconcile.fluxcd.io/requestedAt': 'same' });
    const same = await h.waitFor(
      'Bucket',
      ns,
      'app',
      (o) => o.status?.lastHandledReconcileAt === 'same' && isReady(o),
    );
    expect(same.status?.artifact).toEqual(artifact);

    await put('app/more.yaml', 'kind: Secret\n');
    await h.annotate('Bucket', ns, 'app', { 'reconcile.fluxcd.io/requestedAt': 'changed' });
    const changed = await h.waitFor(
      'Bucket',
      ns,
      'app',
      (o) => o.status?.lastHandledReconcileAt === 'changed' && isReady(o),
    );
    const next = changed.status?.artifact as Artifact;
    expect(next.revision).not.toBe(revision);
    expect([...(await readChartFromArchive(await download(next.url))).keys()].sort()).toEqual([
      'app/deploy.yaml',
      'app/more.yaml',
    ]);
    // The previous artifact is kept (GC keeps 2).
    expect((await fetch(artifact.url)).status).toBe(200);
  });

  it('is a HelmChart source: the chart directory is packaged, Revision strategy adds the index digest', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 's3', { accesskey: s3.accessKeyId, secretkey: s3.secretAccessKey });
    await h.create('Bucket', bucket(ns, 'charts', { prefix: 'charts/' }));
    const source = (await h.waitFor('Bucket', ns, 'charts', isReady)).status?.artifact as Artifact;
    const chart = (name: string, spec: Record<string, unknown>) =>
      sourceManifest('HelmChart', ns, name, {
        interval: '10m',
        chart: 'charts/web',
        sourceRef: { kind: 'Bucket', name: 'charts' },
        ...spec,
      });
    await h.create('HelmChart', chart('web', {}));
    await h.create('HelmChart', chart('web-rev', { reconcileStrategy: 'Revision' }));
    const web = await h.waitFor('HelmChart', ns, 'web', isReady);
    expect((web.status?.artifact as Artifact).revision).toBe('2.3.4');
    const packaged = await readChartFromArchive(await download((web.status?.artifact as Artifact).url));
    expect([...packaged.keys()].sort()).toEqual([
      'web/Chart.yaml',
      'web/templates/svc.yaml',
      'web/values.yaml',
    ]);
    const rev = await h.waitFor('HelmChart', ns, 'web-rev', isReady);
    expect((rev.status?.artifact as Artifact).revision).toBe(`2.3.4+${source.revision.slice(7, 19)}`);
  });

  it('fails with AuthenticationFailed or BucketOperationFailed on bad credentials and buckets', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 'half', { accesskey: 'only' });
    await h.create('Bucket', bucket(ns, 'half', { secretRef: { name: 'half' } }));
    await h.waitFor('Bucket', ns, 'half', failedWith('AuthenticationFailed'));

    await h.secret(ns, 'wrong', { accesskey: 'nobody', secretkey: 'wrong' });
    await h.create('Bucket', bucket(ns, 'wrong', { secretRef: { name: 'wrong' } }));
    const wrong = await h.waitFor('Bucket', ns, 'wrong', failedWith('BucketOperationFailed'));
    expect(conditionOf(wrong, 'FetchFailed')?.reason).toBe('BucketOperationFailed');

    await h.secret(ns, 's3', { accesskey: s3.accessKeyId, secretkey: s3.secretAccessKey });
    await h.create('Bucket', bucket(ns, 'absent', { bucketName: 'does-not-exist' }));
    const absent = await h.waitFor('Bucket', ns, 'absent', failedWith('BucketOperationFailed'));
    expect(conditionOf(absent, 'FetchFailed')?.message).toContain("bucket 'does-not-exist' not found");

    await h.create('Bucket', bucket(ns, 'gcs', { provider: 'gcp', secretRef: undefined }));
    const gcp = await h.waitFor('Bucket', ns, 'gcs', failedWith('InvalidProviderConfiguration'));
    expect(conditionOf(gcp, 'Stalled')?.status).toBe('True');
  });
});
