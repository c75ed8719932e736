// HelmChart packaged from a GitRepository artifact: local (file://) and repository dependencies,
// values files from the source root, reconcileStrategy ChartVersion (new commits alone do not
// re-release) and Revision (the commit in the version), and a chart path leaving the source.
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { OciClient, parseOciUrl, pushHelmChart } from '@flotilla/oci';
import {
  commitFiles,
  makeTempDir,
  packChart,
  startGitHttpServer,
  startHelmRepo,
  startRegistry,
  writeChart,
  type RunningGitHttpServer,
  type RunningHelmRepo,
  type RunningRegistry,
} from '@flotilla/testing';
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

describe('HelmChart from a GitRepository', () => {
  let h: SourceHarness;
  let git: RunningGitHttpServer;
  let repo: RunningHelmRepo;
  let repoPath: string;
  let head: string;
  let registry: RunningRegistry;
  let scratch: string;

  const env = useSourceSuite({
    git: () => startGitHttpServer(),
    repo: () =>
      startHelmRepo({
        charts: [
          { name: 'redis', version: '1.2.0' },
          { name: 'redis', version: '1.3.0' },
        ],
      }),
    registry: () => startRegistry({ auth: { username: 'oci', password: 'pw' } }),
    scratch: () => makeTempDir('chart-git-oci'),
  });
  beforeAll(async () => {
    ({ h, git, repo, registry, scratch } = env);
    const oci = new OciClient(registry.host, {
      insecure: true,
      credentials: { username: 'oci', password: 'pw' },
    });
    for (const version of ['0.5.0', '0.6.0'])
      await pushHelmChart(
        oci,
        parseOciUrl(`oci://${registry.host}/charts`),
        (await packChart(await writeChart(scratch, { name: 'cache', version }))).archive,
      );
    oci.close();
    const created = await git.createRepo('charts', {
      files: {
        'charts/app/Chart.yaml': stringify({
          apiVersion: 'v2',
          name: 'app',
          version: '0.1.0',
          dependencies: [
            { name: 'lib', version: '^1.0.0', repository: 'file://../lib' },
            { name: 'redis', version: '~1.2.0', repository: repo.url },
          ],
        }),
        'charts/app/values.yaml': 'replicas: 1\nimage:\n  tag: a\n',
        'charts/app/templates/cm.yaml': 'kind: ConfigMap\n',
        'charts/lib/Chart.yaml': stringify({
          apiVersion: 'v2',
          name: 'lib',
          version: '1.0.0',
          type: 'library',
        }),
        'env/prod.yaml': 'image:\n  tag: prod\n',
        'charts/ocidep/Chart.yaml': stringify({
          apiVersion: 'v2',
          name: 'ocidep',
          version: '1.0.0',
          dependencies: [{ name: 'cache', version: '0.5.x', repository: `oci://${registry.host}/charts` }],
        }),
      },
    });
    repoPath = created.path;
    head = created.commit as string;
  });

  const setup = async (ns: string) => {
    await h.create(
      'GitRepository',
      sourceManifest('GitRepository', ns, 'charts', {
        interval: '10m',
        url: git.repoUrl('charts'),
        ref: { branch: 'main' },
      }),
    );
  };
  const chart = (ns: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('HelmChart', ns, name, {
      interval: '10m',
      chart: './charts/app',
      sourceRef: { kind: 'GitRepository', name: 'charts' },
      ...spec,
    });

  it('packages the chart with its local and repository dependencies and merged values', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.create(
      'HelmChart',
      chart(ns, 'app', { valuesFiles: ['charts/app/values.yaml', 'env/prod.yaml'] }),
    );
    const ready = await h.waitFor('HelmChart', ns, 'app', isReady);
    const artifact = ready.status?.artifact as Artifact;
    expect(artifact.revision).toBe('0.1.0+1');
    expect(artifact.path).toBe(`helmchart/${ns}/app/app-0.1.0+1.tgz`);
    expect(conditionOf(ready, 'Ready')).toMatchObject({
      reason: 'ChartPackageSucceeded',
      message: "packaged 'app' chart with version '0.1.0+1'",
    });
    const files = await readChartFromArchive(await download(artifact.url));
    expect([...files.keys()].sort()).toEqual([
      'app/Chart.yaml',
      'app/charts/lib-1.0.0.tgz',
      'app/charts/redis-1.2.0.tgz',
      'app/templates/cm.yaml',
      'app/values.yaml',
    ]);
    expect(files.get('app/values.yaml')).toBe('replicas: 1\nimage:\n  tag: prod\n');
    expect(ready.status?.observedSourceArtifactRevision).toBe(`main@sha1:${head}`);
    expect(ready.status?.observedValuesFiles).toEqual(['charts/app/values.yaml', 'env/prod.yaml']);
  });

  it('pulls oci:// dependencies with the credentials of the matching OCI HelmRepository', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.secret(ns, 'oci', { username: 'oci', password: 'pw' });
    await h.create(
      'HelmRepository',
      sourceManifest('HelmRepository', ns, 'oci', {
        type: 'oci',
        url: `oci://${registry.host}/charts`,
        insecure: true,
        secretRef: { name: 'oci' },
      }),
    );
    await h.create('HelmChart', chart(ns, 'ocidep', { chart: 'charts/ocidep' }));
    const ready = await h.waitFor('HelmChart', ns, 'ocidep', isReady);
    const files = await readChartFromArchive(await download((ready.status?.artifact as Artifact).url));
    expect([...files.keys()].sort()).toEqual(['ocidep/Chart.yaml', 'ocidep/charts/cache-0.5.0.tgz']);
  });

  it('re-releases on new commits only with reconcileStrategy Revision', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.create('HelmChart', chart(ns, 'byversion', {}));
    await h.create('HelmChart', chart(ns, 'byrevision', { reconcileStrategy: 'Revision' }));
    const byVersion = (await h.waitFor('HelmChart', ns, 'byversion', isReady)).status?.artifact as Artifact;
    const byRevision = (await h.waitFor('HelmChart', ns, 'byrevision', isReady)).status?.artifact as Artifact;
    expect(byVersion.revision).toBe('0.1.0');
    expect(byRevision.revision).toBe(`0.1.0+${head.slice(0, 12)}`);

    const next = await commitFiles({
      repoPath,
      files: { 'charts/app/templates/extra.yaml': 'kind: Secret\n' },
      message: 'more',
    });
    await h.annotate('GitRepository', ns, 'charts', { 'reconcile.fluxcd.io/requestedAt': 'next' });
    const moved = await h.waitFor(
      'HelmChart',
      ns,
      'byrevision',
      (o) => (o.status?.artifact as Artifact | undefined)?.revision === `0.1.0+${next.slice(0, 12)}`,
    );
    expect(isReady(moved)).toBe(true);
    const still = await h.waitFor(
      'HelmChart',
      ns,
      'byversion',
      (o) => o.status?.observedSourceArtifactRevision === `main@sha1:${next}`,
    );
    expect(still.status?.artifact).toEqual(byVersion);
  });

  it('refuses a chart path outside the source and a missing chart directory', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.create('HelmChart', chart(ns, 'escape', { chart: '../../etc' }));
    const escape = await h.waitFor('HelmChart', ns, 'escape', failedWith('InvalidPath'));
    expect(conditionOf(escape, 'BuildFailed')?.status).toBe('True');
    await h.create('HelmChart', chart(ns, 'absent', { chart: 'charts/none' }));
    const absent = await h.waitFor('HelmChart', ns, 'absent', failedWith('ChartPackageFailed'));
    expect(conditionOf(absent, 'BuildFailed')?.message).toContain("'charts/none' not found");
  });
});
