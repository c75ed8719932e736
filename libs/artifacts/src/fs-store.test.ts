import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactPath, openArtifactStore } from './index.js';
import { describeArtifactStoreContract } from './test-support/store-contract.js';

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

describeArtifactStoreContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'flotilla-fs-store-'));
  const store = await openArtifactStore({ backend: 'fs', root });
  return {
    store,
    timestampResolutionMs: 20,
    corrupt: (path, bytes) => writeFile(join(root, path), bytes),
    rawEntries: () => listFiles(root),
    teardown: async () => {
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
});

describe('filesystem store', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-fs-store-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('creates a missing root directory and lays files out at <root>/<path>', async () => {
    const root = join(await tempDir(), 'nested', 'artifacts');
    const store = await openArtifactStore({ backend: 'fs', root });
    const path = artifactPath({ kind: 'Bucket', namespace: 'default', name: 'b' }, 'abc.tar.gz');
    const stored = await store.put(path, Buffer.from('bytes'));
    expect(await readFile(join(root, 'bucket/default/b/abc.tar.gz'), 'utf8')).toBe('bytes');
    const metadata = JSON.parse(
      await readFile(join(root, '.flotilla-meta/bucket/default/b/abc.tar.gz.json'), 'utf8'),
    );
    expect(metadata).toEqual({ digest: stored.digest });
    expect(stored.lastUpdateTime.getTime()).toBe((await stat(join(root, path))).mtime.getTime());
  });

  it('removes temp files left by an interrupted write when opened, but not recent ones', async () => {
    const root = await tempDir();
    await openArtifactStore({ backend: 'fs', root });
    await writeFile(join(root, '.flotilla-tmp', 'stale'), 'half written');
    await writeFile(join(root, '.flotilla-tmp', 'recent'), 'being written');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(root, '.flotilla-tmp', 'stale'), twoHoursAgo, twoHoursAgo);
    await openArtifactStore({ backend: 'fs', root });
    expect(await readdir(join(root, '.flotilla-tmp'))).toEqual(['recent']);
  });

  it('streams files without a recorded digest unverified, but checks a caller digest', async () => {
    const root = await tempDir();
    const store = await openArtifactStore({ backend: 'fs', root });
    const path = artifactPath({ kind: 'GitRepository', namespace: 'default', name: 'x' }, 'foreign.tar.gz');
    const stored = await store.put(path, Buffer.from('written by us'));
    await rm(join(root, '.flotilla-meta', `${path}.json`));
    await writeFile(join(root, path), 'replaced by someone else');
    expect((await store.head(path))?.digest).toBeUndefined();
    const chunks: Buffer[] = [];
    for await (const chunk of await store.get(path)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('replaced by someone else');
    const verified = await store.get(path, { digest: stored.digest });
    await expect(
      (async () => {
        for await (const _ of verified) void _;
      })(),
    ).rejects.toMatchObject({ code: 'ARTIFACT_DIGEST_MISMATCH' });
  });
});
