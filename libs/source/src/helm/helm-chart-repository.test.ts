// HelmChart from a default HelmRepository against the Helm repository test server: SemVer
// selection, digest-checked download stored as-is, values files, a new upstream version picked
// up when the repository's artifact changes, and the failures (chart not found, missing source,
// a chart archive with `../` entries).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listenOnLoopback,
  startHelmRepo,
  tarArchive,
  type ListeningHttpServer,
  type RunningHelmRepo,
} from '@flotilla/testing';
import type { Artifact } from '../storage.js';
import {
  conditionOf,
  download,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';
import { readChartFromArchive } from '../test-support/chart-archive.js';

describe('HelmChart from a HelmRepository', () => {
  let h: SourceHarness;
  let repo: RunningHelmRepo;
  let hostile: ListeningHttpServer;

  const env = useSourceSuite({
    repo: () =>
      startHelmRepo({
        charts: [
          { name: 'podinfo', version: '6.0.0' },
          {
            name: 'podinfo',
            version: '6.1.0',
            values: { replicas: 1, image: { tag: 'a', pull: 'IfNotPresent' } },
            files: { 'values-prod.yaml': 'image:\n  tag: prod\n' },
          },
          { name: 'podinfo', version: '7.0.0-rc.1' },
        ],
      }),
  });
  beforeAll(async () => {
    ({ h, repo } = env);
    const evil = gzipSync(
      tarArchive([
        { path: 'evil/Chart.yaml', content: Buffer.from('name: evil\nversion: 1.0.0\n') },
        { path: '../escape.txt', content: Buffer.from('x') },
      ]),
    );
    hostile = await listenOnLoopback((request, response) => {
      if (request.url === '/index.yaml') {
        const digest = createHash('sha256').update(evil).digest('hex');
        response.end(
          `apiVersion: v1\nentries:\n  evil:\n    - name: evil\n      version: 1.0.0\n      digest: ${digest}\n      urls: [evil-1.0.0.tgz]\n`,
        );
      } else response.end(evil);
    });
  });
  afterAll(async () => {
    await hostile?.close();
  });

  const chart = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('HelmChart', namespace, name, {
      interval: '10m',
      sourceRef: { kind: 'HelmRepository', name: 'repo' },
      ...spec,
    });
  const helmRepository = (namespace: string, url: string) =>
    sourceManifest('HelmRepository', namespace, 'repo', { interval: '10m', url });

  it('selects the highest matching version, stores the download as-is and follows new versions', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, repo.url));
    await h.create('HelmChart', chart(ns, 'podinfo', { chart: 'podinfo', version: '6.x' }));
    await h.create('HelmChart', chart(ns, 'pre', { chart: 'podinfo', version: '>=7.0.0-0' }));
    const ready = await h.waitFor('HelmChart', ns, 'podinfo', isReady);
    const artifact = ready.status?.artifact as Artifact;
    expect(artifact.revision).toBe('6.1.0');
    expect(artifact.path).toBe(`helmchart/${ns}/podinfo/podinfo-6.1.0.tgz`);
    const published = repo.charts().find((c) => c.version === '6.1.0');
    expect(
      createHash('sha256')
        .update(await download(artifact.url))
        .digest('hex'),
    ).toBe(published?.digest);
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPullSucceeded',
      message: "pulled 'podinfo' chart with version '6.1.0'",
    });
    expect(ready.status?.observedChartName).toBe('podinfo');
    const repoArtifact = (await h.get('HelmRepository', ns, 'repo')).status?.artifact as Artifact;
    expect(ready.status?.observedSourceArtifactRevision).toBe(repoArtifact.revision);
    expect(((await h.waitFor('HelmChart', ns, 'pre', isReady)).status?.artifact as Artifact).revision).toBe(
      '7.0.0-rc.1',
    );

    await repo.addChart({ name: 'podinfo', version: '6.2.0' });
    await h.annotate('HelmRepository', ns, 'repo', { 'reconcile.fluxcd.io/requestedAt': 'new-version' });
    const updated = await h.waitFor(
      'HelmChart',
      ns,
      'podinfo',
      (o) => (o.status?.artifact as Artifact | undefined)?.revision === '6.2.0',
    );
    expect(isReady(updated)).toBe(true);
  });

  it('merges values files into values.yaml and adds the generation as build metadata', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, repo.url));
    await h.create(
      'HelmChart',
      chart(ns, 'values', {
        chart: 'podinfo',
        version: '6.1.0',
        valuesFiles: ['values.yaml', 'values-prod.yaml'],
      }),
    );
    const ready = await h.waitFor('HelmChart', ns, 'values', isReady);
    const artifact = ready.status?.artifact as Artifact;
    expect(artifact.revision).toBe('6.1.0+1');
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPackageSucceeded',
      message: "packaged 'podinfo' chart with version '6.1.0+1'",
    });
    expect(ready.status?.observedValuesFiles).toEqual(['values.yaml', 'values-prod.yaml']);
    const files = await readChartFromArchive(await download(artifact.url));
    expect(files.get('podinfo/Chart.yaml')).toContain('version: 6.1.0+1');
    expect(files.get('podinfo/values.yaml')).toMatch(
      /replicas: 1\nimage:\n {2}tag: prod\n {2}pull: IfNotPresent/,
    );
  });

  it('stalls with InvalidChartReference for an unknown chart and waits for a missing source', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, repo.url));
    await h.create('HelmChart', chart(ns, 'missing', { chart: 'nothere' }));
    const stalled = await h.waitFor('HelmChart', ns, 'missing', failedWith('InvalidChartReference'));
    expect(conditionOf(stalled, 'Stalled')?.reason).toBe('InvalidChartReference');
    expect(conditionOf(stalled, 'FetchFailed')?.message).toContain('nothere');

    await h.create(
      'HelmChart',
      chart(ns, 'orphan', { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'absent' } }),
    );
    const orphan = await h.waitFor('HelmChart', ns, 'orphan', failedWith('SourceUnavailable'));
    expect(conditionOf(orphan, 'FetchFailed')?.reason).toBe('SourceUnavailable');
  });

  it('refuses a chart archive with ../ entries (ChartPullFailed)', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, hostile.url));
    await h.create('HelmChart', chart(ns, 'evil', { chart: 'evil' }));
    const failed = await h.waitFor('HelmChart', ns, 'evil', failedWith('ChartPullFailed'));
    expect(conditionOf(failed, 'FetchFailed')?.message).toMatch(/\.\.\/escape\.txt|outside|escap/);
    expect(failed.status?.artifact).toBeUndefined();
  });
});
