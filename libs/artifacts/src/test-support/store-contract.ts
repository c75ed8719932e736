// One behavioural suite for every ArtifactStore implementation; each backend's test file runs it
// with a harness that knows how to reach behind the store (to corrupt a file, list raw entries).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArtifactNotFoundError,
  DigestMismatchError,
  InvalidArtifactPathError,
  InvalidDigestError,
  artifactPath,
  computeDigest,
  packEntries,
  stableAliasPath,
  unpackTarball,
  type ArtifactStore,
  type ObjectRef,
} from '../index.js';

export interface StoreHarness {
  readonly store: ArtifactStore;
  /** Granularity of the backend's lastUpdateTime; GC ordering tests wait longer than this between writes. */
  readonly timestampResolutionMs: number;
  /** Replaces the stored bytes at `path` behind the store's back, keeping the recorded digest. */
  corrupt(path: string, bytes: Buffer): Promise<void>;
  /** Every file or key the backend holds, relative to the store root, to spot leftovers. */
  rawEntries(): Promise<string[]>;
  teardown(): Promise<void>;
}

const MiB = 1024 * 1024;

function chunked(buffer: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < buffer.length; offset += size)
        yield buffer.subarray(offset, offset + size);
    })(),
  );
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeArtifactStoreContract(
  backend: string,
  openHarness: () => Promise<StoreHarness>,
): void {
  describe(`ArtifactStore contract: ${backend}`, () => {
    let harness: StoreHarness;
    let store: ArtifactStore;
    let objects = 0;
    const newRef = (kind = 'GitRepository'): ObjectRef => ({
      kind,
      namespace: 'flux-system',
      name: `app-${++objects}`,
    });

    beforeAll(async () => {
      harness = await openHarness();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.teardown();
    });

    it('round-trips 20 MB, streamed in, with sha256 digest and size', async () => {
      const content = randomBytes(20 * MiB);
      const expected = await computeDigest(content);
      const path = artifactPath(newRef(), 'big.tar.gz');
      const stored = await store.put(path, chunked(content, 256 * 1024));
      expect(stored).toMatchObject({ path, digest: expected.digest, size: 20 * MiB });
      expect(stored.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const head = await store.head(path);
      expect(head).toMatchObject({ path, digest: expected.digest, size: 20 * MiB });
      expect(Math.abs(head!.lastUpdateTime.getTime() - stored.lastUpdateTime.getTime())).toBeLessThan(2_000);
      const read = await readAll(await store.get(path));
      expect(read.length).toBe(content.length);
      expect(read.equals(content)).toBe(true);
    });

    it('accepts a single buffer and reports it through head', async () => {
      const path = artifactPath(newRef('HelmRepository'), 'index-abc.yaml');
      const before = Date.now();
      const stored = await store.put(path, Buffer.from('apiVersion: v1\nentries: {}\n'));
      expect(stored.size).toBe(27);
      expect(stored.lastUpdateTime.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
      expect(await store.head(path)).toMatchObject({ digest: stored.digest, size: 27 });
      expect((await readAll(await store.get(path))).toString()).toBe('apiVersion: v1\nentries: {}\n');
    });

    it('replaces an existing file on put', async () => {
      const path = artifactPath(newRef(), 'a.tar.gz');
      await store.put(path, Buffer.from('first'));
      const second = await store.put(path, Buffer.from('second version'));
      expect((await store.head(path))?.digest).toBe(second.digest);
      expect((await readAll(await store.get(path))).toString()).toBe('second version');
    });

    it('reports missing files: head gives null, get rejects with ArtifactNotFoundError', async () => {
      const path = artifactPath(newRef(), 'missing.tar.gz');
      expect(await store.head(path)).toBeNull();
      const error = await store.get(path).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ArtifactNotFoundError);
      expect(error).toMatchObject({ code: 'ARTIFACT_NOT_FOUND', path });
    });

    it('detects stored bytes that no longer match the recorded digest', async () => {
      const path = artifactPath(newRef(), 'corrupt.tar.gz');
      const stored = await store.put(path, Buffer.from('the original content'));
      await harness.corrupt(path, Buffer.from('tampered content!!!!'));
      const error = await readAll(await store.get(path)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DigestMismatchError);
      expect(error).toMatchObject({ code: 'ARTIFACT_DIGEST_MISMATCH', path, expected: stored.digest });
      expect((error as DigestMismatchError).actual).not.toBe(stored.digest);
    });

    it("verifies against the caller's digest when one is given", async () => {
      const path = artifactPath(newRef(), 'caller.tar.gz');
      const stored = await store.put(path, Buffer.from('content'));
      const wrong = `sha256:${'0'.repeat(64)}`;
      await expect(readAll(await store.get(path, { digest: wrong }))).rejects.toMatchObject({
        code: 'ARTIFACT_DIGEST_MISMATCH',
        expected: wrong,
        actual: stored.digest,
      });
      expect((await readAll(await store.get(path, { digest: stored.digest }))).toString()).toBe('content');
      await expect(store.get(path, { digest: 'md5:abc' })).rejects.toBeInstanceOf(InvalidDigestError);
    });

    it('leaves nothing behind when the source stream fails mid-put', async () => {
      const path = artifactPath(newRef(), 'failed.tar.gz');
      async function* failing() {
        yield Buffer.alloc(64 * 1024, 1);
        throw new Error('upstream connection reset');
      }
      await expect(store.put(path, failing())).rejects.toThrow('upstream connection reset');
      expect(await store.head(path)).toBeNull();
      expect((await harness.rawEntries()).filter((entry) => entry.includes('flotilla-tmp'))).toEqual([]);
    });

    it('rejects paths that could leave the store or hit its internal files', async () => {
      for (const path of [
        '../etc/passwd',
        '/abs/path',
        'gitrepository/ns/../x',
        '.flotilla-tmp/x',
        'a//b',
        '',
      ]) {
        await expect(store.put(path, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidArtifactPathError);
        await expect(store.head(path)).rejects.toMatchObject({ code: 'ARTIFACT_INVALID_PATH' });
      }
    });

    it("lists only the object's own files, sorted", async () => {
      const ref = newRef();
      const sibling = { ...ref, name: `${ref.name}0` };
      await store.put(artifactPath(ref, 'b.tar.gz'), Buffer.from('bb'));
      await store.put(artifactPath(ref, 'a.tar.gz'), Buffer.from('a'));
      await store.put(`${artifactPath(ref, 'nested')}/deeper.tar.gz`, Buffer.from('nested'));
      await store.put(artifactPath(sibling, 'c.tar.gz'), Buffer.from('c'));
      const listed = await store.list(ref);
      expect(listed.map((file) => [file.path, file.size])).toEqual([
        [artifactPath(ref, 'a.tar.gz'), 1],
        [artifactPath(ref, 'b.tar.gz'), 2],
      ]);
      expect(listed[0]?.lastUpdateTime).toBeInstanceOf(Date);
      expect(await store.list(newRef())).toEqual([]);
    });

    it('deletes idempotently, and deleteAll removes exactly one object', async () => {
      const ref = newRef();
      const other = newRef();
      await store.put(artifactPath(ref, 'one.tar.gz'), Buffer.from('1'));
      await store.put(artifactPath(ref, 'two.tar.gz'), Buffer.from('2'));
      await store.put(artifactPath(other, 'keep.tar.gz'), Buffer.from('k'));
      const nested = `${artifactPath(ref, 'sub')}/nested.tar.gz`;
      await store.put(nested, Buffer.from('n'));
      await store.delete(artifactPath(ref, 'one.tar.gz'));
      await store.delete(artifactPath(ref, 'one.tar.gz'));
      await store.delete(artifactPath(ref, 'never-existed.tar.gz'));
      expect((await store.list(ref)).map((file) => file.path)).toEqual([artifactPath(ref, 'two.tar.gz')]);
      expect(await store.deleteAll(ref)).toEqual([nested, artifactPath(ref, 'two.tar.gz')]);
      expect(await store.list(ref)).toEqual([]);
      expect(await store.head(nested)).toBeNull();
      expect(await store.deleteAll(ref)).toEqual([]);
      expect(await store.head(artifactPath(ref, 'two.tar.gz'))).toBeNull();
      expect((await store.list(other)).length).toBe(1);
    });

    it('copies a file with its digest, e.g. to the stable alias', async () => {
      const ref = newRef();
      const stored = await store.put(artifactPath(ref, 'abc123.tar.gz'), Buffer.from('tarball bytes'));
      const alias = await store.copy(stored.path, stableAliasPath(ref));
      expect(alias).toMatchObject({
        path: artifactPath(ref, 'latest.tar.gz'),
        digest: stored.digest,
        size: 13,
      });
      expect((await readAll(await store.get(alias.path))).toString()).toBe('tarball bytes');
      await expect(store.copy(artifactPath(ref, 'nope.tar.gz'), alias.path)).rejects.toBeInstanceOf(
        ArtifactNotFoundError,
      );
    });

    it('stores a packed tree that unpacks to the same files', async () => {
      const path = artifactPath(newRef('OCIRepository'), 'deadbeef.tar.gz');
      const files = { 'deploy/app.yaml': 'kind: Deployment\n', 'README.md': '# hi\n' };
      const stored = await store.put(path, packEntries(files));
      expect(stored.digest).toBe((await computeDigest(packEntries(files))).digest);
      const dir = await mkdtemp(join(tmpdir(), 'flotilla-contract-'));
      try {
        await unpackTarball(await store.get(path), join(dir, 'out'));
        expect(await readFile(join(dir, 'out/deploy/app.yaml'), 'utf8')).toBe('kind: Deployment\n');
        expect(await readFile(join(dir, 'out/README.md'), 'utf8')).toBe('# hi\n');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    describe('garbage collection', () => {
      // Three rounds of writes, spaced beyond the backend's timestamp resolution, for four objects.
      const refs = { keepNewest: newRef(), currentIsOldest: newRef(), expired: newRef(), defaults: newRef() };
      const file = (ref: ObjectRef, round: number) => artifactPath(ref, `${round}.tar.gz`);

      beforeAll(async () => {
        for (const round of [1, 2, 3]) {
          if (round > 1) await sleep(harness.timestampResolutionMs + 50);
          for (const ref of Object.values(refs))
            await store.put(file(ref, round), Buffer.from(`round ${round}`));
        }
        await store.put(`${file(refs.keepNewest, 1)}.lock`, Buffer.from('lock'));
        await store.copy(file(refs.keepNewest, 3), stableAliasPath(refs.keepNewest));
      });

      it('keeps the newest N, deleting lock files with their artifact and sparing the alias', async () => {
        const ref = refs.keepNewest;
        const result = await store.gc(ref, { keep: 2, ttlMs: 3_600_000, current: file(ref, 3) });
        expect(result.deleted).toEqual([file(ref, 1), `${file(ref, 1)}.lock`]);
        expect((await store.list(ref)).map((entry) => entry.path)).toEqual([
          file(ref, 2),
          file(ref, 3),
          stableAliasPath(ref),
        ]);
      });

      it('never deletes the current artifact, even when it is the oldest', async () => {
        const ref = refs.currentIsOldest;
        expect((await store.gc(ref, { keep: 5, ttlMs: 3_600_000, current: file(ref, 1) })).deleted).toEqual(
          [],
        );
        const result = await store.gc(ref, { keep: 2, ttlMs: 3_600_000, current: file(ref, 1) });
        expect(result.deleted).toEqual([file(ref, 2)]);
        expect((await store.list(ref)).map((entry) => entry.path)).toEqual([file(ref, 1), file(ref, 3)]);
      });

      it('deletes every non-current artifact older than the TTL', async () => {
        const ref = refs.expired;
        const later = new Date(Date.now() + 10 * 60_000);
        const result = await store.gc(ref, { keep: 5, ttlMs: 60_000, current: file(ref, 2), now: later });
        expect(result.deleted).toEqual([file(ref, 1), file(ref, 3)]);
        expect((await store.list(ref)).map((entry) => entry.path)).toEqual([file(ref, 2)]);
      });

      it("uses the store's configured defaults (keep 2, TTL 1 minute)", async () => {
        const ref = refs.defaults;
        expect((await store.gc(ref, { current: file(ref, 3) })).deleted).toEqual([file(ref, 1)]);
        expect((await store.gc(newRef())).deleted).toEqual([]);
      });
    });
  });
}
