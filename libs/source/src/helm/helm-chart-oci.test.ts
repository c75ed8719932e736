// HelmChart from a HelmRepository of type oci against docker-registry: range resolution over the
// tags, exact versions with build metadata (`+` as `_`), Basic credentials from the repository's
// Secret, a missing chart, and verification reported as unsupported. The HelmRepository itself
// stays a static object without conditions or artifact.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { OciClient, parseOciUrl, pushHelmChart } from '@flotilla/oci';
import { makeTempDir, packChart, startRegistry, writeChart, type RunningRegistry } from '@flotilla/testing';
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

describe('HelmChart from an OCI HelmRepository', () => {
  let h: SourceHarness;
  let registry: RunningRegistry;
  let dir: string;
  const archives = new Map<string, Buffer>();

  const env = useSourceSuite({
    registry: () => startRegistry({ auth: { username: 'helm', password: 'pw' } }),
    dir: () => makeTempDir('oci-charts'),
  });
  beforeAll(async () => {
    ({ h, registry, dir } = env);
    const client = new OciClient(registry.host, {
      insecure: true,
      credentials: { username: 'helm', password: 'pw' },
    });
    for (const version of ['1.0.0', '1.1.0', '1.2.0+build.7', '2.0.0-rc.1']) {
      const packed = await packChart(await writeChart(dir, { name: 'podinfo', version }));
      archives.set(version, packed.archive);
      await pushHelmChart(client, parseOciUrl(`oci://${registry.host}/charts`), packed.archive);
    }
    client.close();
  });

  const setup = async (ns: string) => {
    await h.secret(ns, 'creds', { username: 'helm', password: 'pw' });
    await h.create(
      'HelmRepository',
      sourceManifest('HelmRepository', ns, 'oci', {
        type: 'oci',
        url: `oci://${registry.host}/charts`,
        insecure: true,
        secretRef: { name: 'creds' },
      }),
    );
  };
  const chart = (ns: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('HelmChart', ns, name, {
      interval: '10m',
      chart: 'podinfo',
      sourceRef: { kind: 'HelmRepository', name: 'oci' },
      ...spec,
    });

  it('pulls the highest version in range and exact versions with build metadata', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.create('HelmChart', chart(ns, 'range', { version: '1.x' }));
    await h.create('HelmChart', chart(ns, 'exact', { version: '1.2.0+build.7' }));
    const range = await h.waitFor('HelmChart', ns, 'range', isReady);
    const artifact = range.status?.artifact as Artifact;
    expect(artifact.revision).toBe('1.2.0+build.7');
    expect(conditionOf(range, 'Ready')).toMatchObject({
      reason: 'ChartPullSucceeded',
      message: "pulled 'podinfo' chart with version '1.2.0+build.7'",
    });
    const body = await download(artifact.url);
    expect(createHash('sha256').update(body).digest('hex')).toBe(
      createHash('sha256')
        .update(archives.get('1.2.0+build.7') as Buffer)
        .digest('hex'),
    );
    expect(((await h.waitFor('HelmChart', ns, 'exact', isReady)).status?.artifact as Artifact).revision).toBe(
      '1.2.0+build.7',
    );
    // type oci: a static object, never reconciled into conditions or an artifact.
    const repo = await h.get('HelmRepository', ns, 'oci');
    expect(repo.status?.conditions ?? []).toEqual([]);
    expect(repo.status?.artifact).toBeUndefined();
  });

  it('stalls on a version no tag satisfies and reports verification as unsupported', async () => {
    const ns = await h.namespace();
    await setup(ns);
    await h.create('HelmChart', chart(ns, 'none', { version: '>=5.0.0' }));
    const none = await h.waitFor('HelmChart', ns, 'none', failedWith('InvalidChartReference'));
    expect(conditionOf(none, 'Stalled')?.status).toBe('True');
    await h.create('HelmChart', chart(ns, 'signed', { version: '1.0.0', verify: { provider: 'cosign' } }));
    const signed = await h.waitFor('HelmChart', ns, 'signed', failedWith('VerificationError'));
    expect(conditionOf(signed, 'SourceVerified')).toMatchObject({ status: 'False', reason: 'unsupported' });
  });
});
