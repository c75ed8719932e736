import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArtifactStore, packEntries, type ArtifactStore } from '@flotilla/artifacts';
import { makeTempDir, removeDir } from '@flotilla/testing';
import { ArtifactFetchError, fetchArtifact, replaceFile, resolveBuildPath } from './artifact.js';

describe('fetchArtifact', () => {
  let dir: string;
  let store: ArtifactStore;
  let digest: string;
  const path = 'gitrepository/ns/repo/abc.tar.gz';
  beforeAll(async () => {
    dir = await makeTempDir('artifact-test');
    store = await openArtifactStore({ backend: 'fs', root: dir });
    digest = (
      await store.put(path, packEntries({ 'app/kustomization.yaml': 'resources: []\n', 'app/a.yaml': 'a' }))
    ).digest;
  });
  afterAll(async () => {
    await store?.close();
    await removeDir(dir);
  });

  it('gives each reconcile its own copy; replacing a file in one leaves the others alone', async () => {
    const [one, two] = await Promise.all([
      fetchArtifact(store, { path, revision: 'r', digest }),
      fetchArtifact(store, { path, revision: 'r', digest }),
    ]);
    try {
      await replaceFile(join(one.root, 'app/kustomization.yaml'), 'changed');
      expect(await readFile(join(two.root, 'app/kustomization.yaml'), 'utf8')).toBe('resources: []\n');
      const three = await fetchArtifact(store, { path, revision: 'r', digest });
      expect(await readFile(join(three.root, 'app/kustomization.yaml'), 'utf8')).toBe('resources: []\n');
      await three.dispose();
    } finally {
      await Promise.all([one.dispose(), two.dispose()]);
    }
  });

  it('rejects a digest that does not match the stored bytes', async () => {
    await expect(
      fetchArtifact(store, { path, revision: 'r', digest: `sha256:${'0'.repeat(64)}` }),
    ).rejects.toBeInstanceOf(ArtifactFetchError);
  });

  it('clamps paths to the artifact root like securejoin', async () => {
    const copy = await fetchArtifact(store, { path, revision: 'r', digest });
    try {
      expect(resolveBuildPath(copy.root, '../../app')).toBe(join(copy.root, 'app'));
      expect(resolveBuildPath(copy.root, './missing')).toBeUndefined();
      expect(resolveBuildPath(copy.root, undefined)).toBe(copy.root);
    } finally {
      await copy.dispose();
    }
  });
});
