// HelmRepository against the real Helm repository test server: index artifact, conditional fetch,
// Basic auth, and the bad inputs of the issue (unreachable host, wrong credentials, corrupt and
// oversize index) ending in source.md's conditions while the last good artifact stays served.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactAnnouncementMessage } from '@flotilla/bus';
import {
  listenOnLoopback,
  makeTempDir,
  makeTestPki,
  removeDir,
  startHelmRepo,
  type ListeningHttpServer,
  type RunningHelmRepo,
} from '@flotilla/testing';
import {
  conditionOf,
  download,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';
import type { Artifact } from '../storage.js';

const MAX_INDEX = 64 * 1024;

describe('HelmRepository', () => {
  let h: SourceHarness;
  let repo: RunningHelmRepo;
  let authRepo: RunningHelmRepo;
  let mutable: ListeningHttpServer;
  let served = '';
  const announcements: ArtifactAnnouncementMessage[] = [];

  const env = useSourceSuite(
    {
      repo: () =>
        startHelmRepo({
          charts: [
            { name: 'podinfo', version: '6.0.0' },
            { name: 'podinfo', version: '6.1.0' },
          ],
        }),
      authRepo: () =>
        startHelmRepo({
          charts: [{ name: 'secret', version: '1.0.0' }],
          auth: { username: 'u', password: 'p' },
        }),
    },
    { helmIndexMaxSize: MAX_INDEX },
  );
  beforeAll(async () => {
    ({ h, repo, authRepo } = env);
    mutable = await listenOnLoopback((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/x-yaml' });
      response.end(served);
    });
    await h.bus.subscribe(
      { type: 'artifact', kind: 'HelmRepository' },
      (message) => void announcements.push(message),
    );
  });
  afterAll(async () => {
    await mutable?.close();
  });

  const helmRepository = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('HelmRepository', namespace, name, { interval: '10m', ...spec });

  it('stores the parsed, sorted index as JSON, serves it, announces it, and refetches with a 304', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, 'podinfo', { url: repo.url }));
    const ready = await h.waitFor('HelmRepository', ns, 'podinfo', isReady);
    const artifact = ready.status?.artifact as Artifact;
    const revision = `sha256:${createHash('sha256').update(repo.index()).digest('hex')}`;
    expect(artifact.revision).toBe(revision);
    expect(artifact.path).toBe(`helmrepository/${ns}/podinfo/index-${revision.slice(7)}.yaml`);
    expect(artifact.url).toBe(`${h.source.server.url}/${artifact.path}`);
    expect(ready.status?.url).toBe(`${h.source.server.url}/helmrepository/${ns}/podinfo/index.yaml`);
    const body = await download(artifact.url);
    expect(`sha256:${createHash('sha256').update(body).digest('hex')}`).toBe(artifact.digest);
    expect(artifact.digest).not.toBe(revision);
    expect(artifact.size).toBe(body.length);
    const stored = JSON.parse(body.toString()) as { entries: Record<string, { version: string }[]> };
    expect(stored.entries.podinfo?.map((e) => e.version)).toEqual(['6.1.0', '6.0.0']);
    expect(conditionOf(ready, 'ArtifactInStorage')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(conditionOf(ready, 'Ready')?.message).toBe(`stored artifact for revision '${revision}'`);
    await expect
      .poll(() => announcements.find((a) => a.data.namespace === ns)?.data)
      .toMatchObject({
        kind: 'HelmRepository',
        name: 'podinfo',
        revision,
        digest: artifact.digest,
        storageKey: artifact.path,
        url: artifact.url,
      });

    repo.resetStats();
    await h.annotate('HelmRepository', ns, 'podinfo', { 'reconcile.fluxcd.io/requestedAt': 'again' });
    const again = await h.waitFor(
      'HelmRepository',
      ns,
      'podinfo',
      (o) => o.status?.lastHandledReconcileAt === 'again',
    );
    expect(isReady(again)).toBe(true);
    const stats = repo.stats();
    expect(stats.log).toEqual([{ method: 'GET', path: '/index.yaml', status: 304, bytes: 0 }]);
    expect((again.status?.artifact as Artifact).revision).toBe(revision);
  });

  it('uses Basic credentials from secretRef; without them fails AuthenticationFailed', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, 'private', { url: authRepo.url }));
    const failed = await h.waitFor('HelmRepository', ns, 'private', failedWith('AuthenticationFailed'));
    expect(conditionOf(failed, 'FetchFailed')).toMatchObject({
      status: 'True',
      reason: 'AuthenticationFailed',
    });
    expect(conditionOf(failed, 'Ready')?.message).toContain('401');

    await h.secret(ns, 'wrong', { username: 'u', password: 'nope' });
    await h.patchSpec('HelmRepository', ns, 'private', { secretRef: { name: 'wrong' } });
    await h.waitFor(
      'HelmRepository',
      ns,
      'private',
      (o) =>
        failedWith('AuthenticationFailed')(o) &&
        o.metadata?.generation === 2 &&
        conditionOf(o, 'Ready')?.observedGeneration === 2,
    );

    await h.secret(ns, 'right', { username: 'u', password: 'p' });
    await h.patchSpec('HelmRepository', ns, 'private', { secretRef: { name: 'right' } });
    const ready = await h.waitFor('HelmRepository', ns, 'private', isReady);
    expect(conditionOf(ready, 'FetchFailed')).toBeUndefined();
  });

  it('speaks mutual TLS with the CA and client certificate of certSecretRef', async () => {
    const dir = await makeTempDir('helm-tls');
    const pki = await makeTestPki(dir);
    const tls = await listenOnLoopback(
      (_request, response) => response.end('apiVersion: v1\nentries: {}\n'),
      { key: pki.server.key, cert: pki.server.cert, clientCa: pki.ca.cert },
    );
    try {
      const ns = await h.namespace();
      await h.create('HelmRepository', helmRepository(ns, 'untrusted', { url: tls.url }));
      await h.waitFor('HelmRepository', ns, 'untrusted', failedWith('Failed'));
      await h.secret(ns, 'tls', {
        'ca.crt': pki.ca.cert,
        'tls.crt': pki.client.cert,
        'tls.key': pki.client.key,
      });
      await h.create(
        'HelmRepository',
        helmRepository(ns, 'mtls', { url: tls.url, certSecretRef: { name: 'tls' } }),
      );
      await h.waitFor('HelmRepository', ns, 'mtls', isReady);
    } finally {
      await tls.close();
      await removeDir(dir);
    }
  });

  it('fails on an unreachable host (FetchFailed) and stalls on an oci:// URL with type default', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, 'nowhere', { url: 'http://127.0.0.1:1/charts' }));
    const failed = await h.waitFor('HelmRepository', ns, 'nowhere', failedWith('Failed'));
    expect(conditionOf(failed, 'FetchFailed')?.message).toContain('failed to fetch Helm repository index');
    await h.create('HelmRepository', helmRepository(ns, 'scheme', { url: 'oci://127.0.0.1:1/charts' }));
    const stalled = await h.waitFor('HelmRepository', ns, 'scheme', failedWith('URLInvalid'));
    expect(conditionOf(stalled, 'Stalled')).toMatchObject({ status: 'True', reason: 'URLInvalid' });
  });

  it('keeps serving the last good index when the index turns corrupt or oversize', async () => {
    const ns = await h.namespace();
    served = repo.index();
    await h.create('HelmRepository', helmRepository(ns, 'flaky', { url: mutable.url }));
    const good = (await h.waitFor('HelmRepository', ns, 'flaky', isReady)).status?.artifact as Artifact;

    served = 'apiVersion: v1\nentries: [unclosed\n';
    await h.annotate('HelmRepository', ns, 'flaky', { 'reconcile.fluxcd.io/requestedAt': 'corrupt' });
    const corrupt = await h.waitFor('HelmRepository', ns, 'flaky', failedWith('IndexationFailed'));
    expect(conditionOf(corrupt, 'FetchFailed')).toMatchObject({ status: 'True', reason: 'IndexationFailed' });
    expect(conditionOf(corrupt, 'ArtifactInStorage')?.status).toBe('True');
    expect(corrupt.status?.artifact).toEqual(good);
    expect((await download(good.url)).length).toBe(good.size);

    served = `apiVersion: v1\nentries: {}\n# ${'x'.repeat(MAX_INDEX)}\n`;
    await h.annotate('HelmRepository', ns, 'flaky', { 'reconcile.fluxcd.io/requestedAt': 'oversize' });
    const oversize = await h.waitFor(
      'HelmRepository',
      ns,
      'flaky',
      (o) => o.status?.lastHandledReconcileAt === 'oversize' && failedWith('IndexationFailed')(o),
    );
    expect(conditionOf(oversize, 'Ready')?.message).toContain(`exceeds the limit of ${MAX_INDEX} bytes`);
    expect(oversize.status?.artifact).toEqual(good);

    served =
      'apiVersion: v1\nentries:\n  other:\n    - name: other\n      version: 1.0.0\n      urls: [other-1.0.0.tgz]\n';
    await h.annotate('HelmRepository', ns, 'flaky', { 'reconcile.fluxcd.io/requestedAt': 'fixed' });
    const fixed = await h.waitFor(
      'HelmRepository',
      ns,
      'flaky',
      (o) => o.status?.lastHandledReconcileAt === 'fixed' && isReady(o),
    );
    expect((fixed.status?.artifact as Artifact).revision).not.toBe(good.revision);
    expect(conditionOf(fixed, 'FetchFailed')).toBeUndefined();
  });
});
