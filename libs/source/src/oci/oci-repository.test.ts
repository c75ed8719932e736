// OCIRepository against docker-registry: tag, semver (+ filter), digest, layerSelector copy and
// extract with ignore rules, dockerconfigjson credentials, and the bad inputs (wrong credentials,
// missing tag, a layer with `../` entries, a symlink leaving the artifact, verification).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciClient, parseOciUrl, pushArtifact, withTag } from '@flotilla/oci';
import { startRegistry, tarArchive, type RunningRegistry } from '@flotilla/testing';
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

describe('OCIRepository', () => {
  let h: SourceHarness;
  let registry: RunningRegistry;
  let privateRegistry: RunningRegistry;
  let client: OciClient;
  const digests: Record<string, string> = {};

  const push = async (target: OciClient, host: string, tag: string, files: Record<string, string>) =>
    pushArtifact(target, withTag(parseOciUrl(`oci://${host}/manifests/app`), tag), {
      content: { files },
      source: 'https://example.com/app.git',
      revision: `${tag}@sha1:${'a'.repeat(40)}`,
    });

  const env = useSourceSuite({
    registry: () => startRegistry(),
    privateRegistry: () => startRegistry({ auth: { username: 'oci', password: 'pw' } }),
  });
  beforeAll(async () => {
    ({ h, registry, privateRegistry } = env);
    client = new OciClient(registry.host, { insecure: true });
    for (const tag of ['latest', 'v1.0.0', 'v1.1.0', '2.0.0', 'v1.2.0-rc.1'])
      digests[tag] = (
        await push(client, registry.host, tag, {
          'app.yaml': `tag: ${tag}\n`,
          'logo.png': 'png',
          'notes.md': 'x',
        })
      ).digest;
    const hostile = gzipSync(
      tarArchive([
        { path: 'ok.yaml', content: Buffer.from('a: 1\n') },
        { path: '../escape.yaml', content: Buffer.from('b: 2\n') },
      ]),
    );
    const linked = gzipSync(
      tarArchive([
        { path: 'ok.yaml', content: Buffer.from('a: 1\n') },
        { path: 'passwd', content: Buffer.alloc(0), linkTarget: '../../../../etc/passwd' },
      ]),
    );
    await pushArtifact(client, withTag(parseOciUrl(`oci://${registry.host}/manifests/linked`), 'latest'), {
      content: { tarball: linked },
    });
    await pushArtifact(client, withTag(parseOciUrl(`oci://${registry.host}/manifests/evil`), 'latest'), {
      content: { tarball: hostile },
    });
    const privateClient = new OciClient(privateRegistry.host, {
      insecure: true,
      credentials: { username: 'oci', password: 'pw' },
    });
    await push(privateClient, privateRegistry.host, 'latest', { 'private.yaml': 'p: 1\n' });
    privateClient.close();
  });
  afterAll(async () => {
    client?.close();
  });

  const ociRepository = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('OCIRepository', namespace, name, {
      interval: '10m',
      url: `oci://${registry.host}/manifests/app`,
      insecure: true,
      ...spec,
    });

  it('resolves tag, semver with filter and digest refs to Flux revisions', async () => {
    const ns = await h.namespace();
    const cases: Array<[string, Record<string, unknown> | undefined, string]> = [
      ['latest', undefined, `latest@${digests.latest}`],
      ['tag', { tag: 'v1.0.0' }, `v1.0.0@${digests['v1.0.0']}`],
      ['semver', { semver: '>=1.0.0' }, `2.0.0@${digests['2.0.0']}`],
      ['filtered', { semver: '>=1.0.0', semverFilter: '^v' }, `v1.1.0@${digests['v1.1.0']}`],
      ['digest', { digest: digests['v1.0.0'] }, digests['v1.0.0'] as string],
    ];
    for (const [name, ref] of cases)
      await h.create('OCIRepository', ociRepository(ns, name, ref ? { ref } : {}));
    for (const [name, , revision] of cases) {
      const ready = await h.waitFor('OCIRepository', ns, name, isReady);
      const artifact = ready.status?.artifact as Artifact;
      expect(artifact.revision, name).toBe(revision);
      expect(artifact.path).toBe(`ocirepository/${ns}/${name}/${revision.slice(-64)}.tar.gz`);
    }
    const latest = await h.get('OCIRepository', ns, 'latest');
    const artifact = latest.status?.artifact as Artifact;
    expect(artifact.metadata).toMatchObject({
      'org.opencontainers.image.source': 'https://example.com/app.git',
      'org.opencontainers.image.revision': `latest@sha1:${'a'.repeat(40)}`,
    });
    // Extract mode applies the default exclusions.
    expect([...(await readChartFromArchive(await download(artifact.url))).keys()].sort()).toEqual([
      'app.yaml',
      'notes.md',
    ]);
  });

  it('copies the layer blob as is with operation copy and applies spec.ignore on extract', async () => {
    const ns = await h.namespace();
    await h.create(
      'OCIRepository',
      ociRepository(ns, 'copy', {
        layerSelector: { mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip', operation: 'copy' },
      }),
    );
    await h.create('OCIRepository', ociRepository(ns, 'ignore', { ignore: '*.md\n' }));
    const copy = await h.waitFor('OCIRepository', ns, 'copy', isReady);
    const manifest = await client.getManifest(
      withTag(parseOciUrl(`oci://${registry.host}/manifests/app`), 'latest'),
    );
    const layerDigest = (manifest.manifest as { layers: { digest: string }[] }).layers[0]?.digest;
    const copied = await download((copy.status?.artifact as Artifact).url);
    expect(`sha256:${createHash('sha256').update(copied).digest('hex')}`).toBe(layerDigest);
    expect(copy.status?.observedLayerSelector).toEqual({
      mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip',
      operation: 'copy',
    });
    const ignore = await h.waitFor('OCIRepository', ns, 'ignore', isReady);
    expect(
      [
        ...(await readChartFromArchive(await download((ignore.status?.artifact as Artifact).url))).keys(),
      ].sort(),
    ).toEqual(['app.yaml', 'logo.png']);
  });

  it('logs in with a dockerconfigjson Secret; without one fails AuthenticationFailed', async () => {
    const ns = await h.namespace();
    const url = `oci://${privateRegistry.host}/manifests/app`;
    await h.create('OCIRepository', ociRepository(ns, 'private', { url }));
    await h.waitFor('OCIRepository', ns, 'private', failedWith('AuthenticationFailed'));
    const auth = Buffer.from('oci:pw').toString('base64');
    await h.secret(
      ns,
      'regcred',
      { '.dockerconfigjson': JSON.stringify({ auths: { [privateRegistry.host]: { auth } } }) },
      'kubernetes.io/dockerconfigjson',
    );
    await h.patchSpec('OCIRepository', ns, 'private', { secretRef: { name: 'regcred' } });
    await h.waitFor('OCIRepository', ns, 'private', isReady);
  });

  it('fails on a missing tag, a layer with ../ entries or a symlink leaving it, and unsupported verification', async () => {
    const ns = await h.namespace();
    await h.create('OCIRepository', ociRepository(ns, 'missing', { ref: { tag: 'v9.9.9' } }));
    await h.waitFor('OCIRepository', ns, 'missing', failedWith('OCIArtifactPullFailed'));
    await h.create(
      'OCIRepository',
      ociRepository(ns, 'evil', { url: `oci://${registry.host}/manifests/evil` }),
    );
    const evil = await h.waitFor('OCIRepository', ns, 'evil', failedWith('OCIArtifactLayerOperationFailed'));
    expect(conditionOf(evil, 'FetchFailed')?.message).toContain('escape.yaml');
    expect(evil.status?.artifact).toBeUndefined();
    await h.create(
      'OCIRepository',
      ociRepository(ns, 'linked', { url: `oci://${registry.host}/manifests/linked` }),
    );
    const linked = await h.waitFor(
      'OCIRepository',
      ns,
      'linked',
      failedWith('OCIArtifactLayerOperationFailed'),
    );
    expect(conditionOf(linked, 'FetchFailed')?.message).toMatch(/passwd/);
    await h.create('OCIRepository', ociRepository(ns, 'verify', { verify: { provider: 'cosign' } }));
    const verify = await h.waitFor('OCIRepository', ns, 'verify', failedWith('VerificationError'));
    expect(conditionOf(verify, 'SourceVerified')).toMatchObject({ status: 'False', reason: 'unsupported' });
    expect(conditionOf(verify, 'Stalled')?.status).toBe('True');
  });
});
