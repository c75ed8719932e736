import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packChart, startRegistry, writeChart, type RunningRegistry } from '@flotilla/testing';
import { OciClient } from './client.js';
import { sha256 } from './digest.js';
import {
  chartVersionToTag,
  listChartVersions,
  pullHelmChart,
  pushHelmChart,
  readChartMetadata,
  resolveChartVersion,
  tagToChartVersion,
} from './helm.js';
import { HELM_CHART_CONTENT, HELM_CONFIG } from './media-types.js';
import { childReference, parseOciUrl, withTag } from './reference.js';

describe('Helm OCI charts', () => {
  let registry: RunningRegistry;
  let client: OciClient;
  let work: string;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new OciClient(registry.host, { insecure: true });
    work = await mkdtemp(join(tmpdir(), 'oci-helm-'));
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function chart(version: string, extra: Record<string, unknown> = {}) {
    const dir = await writeChart(work, {
      name: 'podinfo',
      version,
      appVersion: '6.7.0',
      metadata: {
        home: 'https://podinfo.example',
        sources: ['https://github.com/example/podinfo'],
        ...extra,
      },
      files: { 'templates/cm.yaml': 'kind: ConfigMap\n' },
    });
    return packChart(dir);
  }

  it('pushes a chart like helm push and pulls it back verified', async () => {
    const packed = await chart('6.7.0', { maintainers: [{ name: 'Ada', email: 'ada@example.com' }] });
    const repository = parseOciUrl(`oci://${registry.host}/charts`);
    const pushed = await pushHelmChart(client, repository, packed.archive, {
      created: new Date('2026-01-01T00:00:00Z'),
    });
    expect(pushed.reference.repository).toBe('charts/podinfo');
    expect(pushed.reference.tag).toBe('6.7.0');
    expect(pushed.manifest.config.mediaType).toBe(HELM_CONFIG);
    expect(pushed.manifest.layers).toEqual([
      { mediaType: HELM_CHART_CONTENT, digest: `sha256:${packed.digest}`, size: packed.archive.length },
    ]);
    expect(pushed.manifest.annotations).toEqual({
      'org.opencontainers.image.title': 'podinfo',
      'org.opencontainers.image.version': '6.7.0',
      'org.opencontainers.image.description': 'podinfo test chart',
      'org.opencontainers.image.url': 'https://podinfo.example',
      'org.opencontainers.image.source': 'https://github.com/example/podinfo',
      'org.opencontainers.image.authors': 'Ada (ada@example.com)',
      'org.opencontainers.image.created': '2026-01-01T00:00:00Z',
    });

    const pulled = await pullHelmChart(client, withTag(childReference(repository, 'podinfo'), '6.7.0'));
    expect(pulled.chart.equals(packed.archive)).toBe(true);
    expect(sha256(pulled.chart)).toBe(`sha256:${packed.digest}`);
    expect(pulled.metadata).toMatchObject({
      apiVersion: 'v2',
      name: 'podinfo',
      version: '6.7.0',
      appVersion: '6.7.0',
    });
    expect(pulled.revision).toBe(`6.7.0@${pushed.digest}`);
  });

  it('tags build metadata with _ and lists versions for SemVer selection', async () => {
    const repository = parseOciUrl(`oci://${registry.host}/semver`);
    for (const version of ['1.0.0', '1.2.0', '1.2.1+build.7', '2.0.0-rc.1', '1.10.0']) {
      await pushHelmChart(client, repository, (await chart(version)).archive);
    }
    const podinfo = childReference(repository, 'podinfo');
    expect([...(await client.listTags(podinfo))].sort()).toEqual([
      '1.0.0',
      '1.10.0',
      '1.2.0',
      '1.2.1_build.7',
      '2.0.0-rc.1',
    ]);
    expect((await listChartVersions(client, podinfo)).map((entry) => entry.version)).toEqual([
      '2.0.0-rc.1',
      '1.10.0',
      '1.2.1+build.7',
      '1.2.0',
      '1.0.0',
    ]);
    expect(await resolveChartVersion(client, podinfo, '*')).toEqual({ version: '1.10.0', tag: '1.10.0' });
    expect(await resolveChartVersion(client, podinfo, '~1.2.0')).toEqual({
      version: '1.2.1+build.7',
      tag: '1.2.1_build.7',
    });
    expect(await resolveChartVersion(client, podinfo, '>=2.0.0-rc.0')).toEqual({
      version: '2.0.0-rc.1',
      tag: '2.0.0-rc.1',
    });
    expect(await resolveChartVersion(client, podinfo, '>=3')).toBeUndefined();
    await expect(resolveChartVersion(client, podinfo, 'not a range')).rejects.toThrow(/invalid SemVer range/);
    const pulled = await pullHelmChart(client, withTag(podinfo, chartVersionToTag('1.2.1+build.7')));
    expect(pulled.metadata.version).toBe('1.2.1+build.7');
    expect(tagToChartVersion('1.2.1_build.7')).toBe('1.2.1+build.7');
  });

  it('refuses what is not a chart', async () => {
    await expect(readChartMetadata(Buffer.from('not gzip'))).rejects.toThrow(/not gzip/);
    const repository = parseOciUrl(`oci://${registry.host}/notachart`);
    const { pushArtifact } = await import('./artifact.js');
    await pushArtifact(client, withTag(repository, 'v1'), { content: { files: { a: 'a' } } });
    await expect(pullHelmChart(client, withTag(repository, 'v1'))).rejects.toThrow(/is not a Helm chart/);
  });
});
