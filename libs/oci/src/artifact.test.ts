import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type RunningRegistry } from '@flotilla/testing';
import { artifactRevision, pullArtifact, pushArtifact, resolveArtifact } from './artifact.js';
import { OciClient } from './client.js';
import { sha256 } from './digest.js';
import { OciNotFoundError, OciTooLargeError } from './errors.js';
import {
  ANNOTATION_REVISION,
  ANNOTATION_SOURCE,
  FLUX_CONFIG,
  FLUX_CONTENT,
  OCI_MANIFEST,
} from './media-types.js';
import { parseOciUrl, withDigest, withTag } from './reference.js';

describe('Flux artifacts', () => {
  let registry: RunningRegistry;
  let client: OciClient;
  let work: string;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new OciClient(registry.host, { insecure: true });
    work = await mkdtemp(join(tmpdir(), 'oci-artifact-'));
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });
  const url = (path: string) => parseOciUrl(`oci://${registry.host}/${path}`);

  it('pushes a directory with Flux media types and annotations and extracts it again', async () => {
    const source = join(work, 'source');
    await mkdir(join(source, 'apps'), { recursive: true });
    await writeFile(join(source, 'kustomization.yaml'), 'resources: [apps]\n');
    await writeFile(join(source, 'apps', 'deploy.yaml'), 'kind: Deployment\n');
    const ref = withTag(url('manifests/app'), '1.0.0');
    const pushed = await pushArtifact(client, ref, {
      content: { dir: source },
      source: 'https://github.com/example/app',
      revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
      created: '2026-01-02T03:04:05Z',
    });
    expect(pushed.revision).toBe(`1.0.0@${pushed.digest}`);
    expect(pushed.manifest.config.mediaType).toBe(FLUX_CONFIG);
    expect(pushed.manifest.layers.map((layer) => layer.mediaType)).toEqual([FLUX_CONTENT]);

    const manifest = await client.getManifest(ref);
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
    expect(manifest.digest).toBe(pushed.digest);

    const into = join(work, 'extracted');
    const pulled = await pullArtifact(client, ref, { into });
    expect(pulled.operation).toBe('extract');
    expect(pulled.revision).toBe(`1.0.0@${pushed.digest}`);
    expect(pulled.annotations).toEqual({
      'org.opencontainers.image.created': '2026-01-02T03:04:05Z',
      [ANNOTATION_SOURCE]: 'https://github.com/example/app',
      [ANNOTATION_REVISION]: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    });
    expect(await readFile(join(into, 'kustomization.yaml'), 'utf8')).toBe('resources: [apps]\n');
    expect(await readFile(join(into, 'apps', 'deploy.yaml'), 'utf8')).toBe('kind: Deployment\n');
  });

  it('copies the selected layer blob as is, chosen by media type, and pulls by digest', async () => {
    const ref = withTag(url('manifests/layers'), 'latest');
    const pushed = await pushArtifact(client, ref, { content: { files: { 'a.yaml': 'a: 1\n' } } });
    const layer = pushed.manifest.layers[0];
    // A second artifact with another layer type in the same repository.
    const other = await pushArtifact(client, withTag(ref, 'other'), {
      content: { files: { 'b.yaml': 'b: 2\n' } },
      layerMediaType: 'application/vnd.example.other.v1.tar+gzip',
    });

    const copied = await pullArtifact(client, ref, {
      layerSelector: { mediaType: FLUX_CONTENT, operation: 'copy' },
    });
    if (copied.operation !== 'copy') throw new Error('expected copy');
    const chunks: Buffer[] = [];
    for await (const chunk of copied.blob) chunks.push(chunk as Buffer);
    const blob = Buffer.concat(chunks);
    expect(sha256(blob)).toBe(layer?.digest);
    expect(gunzipSync(blob).includes(Buffer.from('a: 1\n'))).toBe(true);

    await expect(
      pullArtifact(client, withTag(ref, 'other'), { layerSelector: { mediaType: FLUX_CONTENT } }),
    ).rejects.toThrow(OciNotFoundError);
    await expect(
      pullArtifact(client, withTag(ref, 'other'), { layerSelector: { mediaType: FLUX_CONTENT } }),
    ).rejects.toThrow(/no layer with media type application\/vnd.cncf.flux.content.v1.tar\+gzip/);

    const byDigest = await resolveArtifact(client, withDigest(url('manifests/layers'), other.digest));
    expect(byDigest.revision).toBe(other.digest);
    expect(byDigest.layer.mediaType).toBe('application/vnd.example.other.v1.tar+gzip');
  });

  it('defaults the tag to latest in the revision and enforces the layer size limit', async () => {
    const ref = withTag(url('manifests/big'), 'latest');
    await pushArtifact(client, ref, { content: { files: { 'big.bin': Buffer.alloc(64 * 1024, 7) } } });
    const resolved = await resolveArtifact(client, url('manifests/big'));
    expect(resolved.revision).toMatch(/^latest@sha256:[0-9a-f]{64}$/);
    expect(artifactRevision(url('x'), resolved.digest)).toBe(`latest@${resolved.digest}`);
    await expect(
      pullArtifact(client, ref, { into: join(work, 'too-big'), maxBytes: 32 * 1024 }),
    ).rejects.toThrow(/limit/);
    await expect(
      pullArtifact(client, ref, { layerSelector: { operation: 'copy' }, maxBytes: 10 }),
    ).rejects.toThrow(OciTooLargeError);
    expect(await readdir(work)).not.toContain('too-big');
  });

  it('refuses to push without a tag', async () => {
    await expect(
      pushArtifact(client, url('manifests/notag'), { content: { files: { a: 'a' } } }),
    ).rejects.toThrow(/give a tag/);
  });
});
