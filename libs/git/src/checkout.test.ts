import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  createBranch,
  createTag,
  makeTempDir,
  removeDir,
  runGit,
  startGitHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import { checkout, GitError, type CheckoutChanged } from './index.js';

let server: RunningGitHttpServer;
let work: string;
let repoPath: string;
let first: string;
let second: string;
let featureHead: string;
let counter = 0;

function freshDir(): string {
  counter += 1;
  return join(work, `co-${counter}`);
}

async function changed(promise: Promise<unknown>): Promise<CheckoutChanged> {
  const result = (await promise) as CheckoutChanged;
  expect(result.changed).toBe(true);
  return result;
}

beforeAll(async () => {
  server = await startGitHttpServer();
  work = await makeTempDir('git-checkout-test');
  const repo = await server.createRepo('app', {
    files: { 'README.md': 'one\n', 'deploy/app.yaml': 'kind: A\n', 'other/x.txt': 'x\n' },
  });
  repoPath = repo.path;
  first = repo.commit as string;
  await createTag({ repoPath, name: 'v1.0.0' });
  await createTag({ repoPath, name: 'v1.1.0', message: 'release 1.1.0' });
  second = await commitFiles({ repoPath, files: { 'README.md': 'two\n' }, message: 'Second\n\nbody' });
  await createTag({ repoPath, name: 'v1.2.0-rc.1' });
  await createTag({ repoPath, name: 'v2.0.0', message: 'release 2' });
  await createTag({ repoPath, name: 'not-a-version' });
  await createBranch({ repoPath, name: 'feature/x', from: first });
  featureHead = await commitFiles({ repoPath, branch: 'feature/x', files: { 'feature.txt': 'f\n' } });
  await runGit(['--git-dir', repoPath, 'update-ref', 'refs/pull/7/head', featureHead]);
});

afterAll(async () => {
  await server?.stop();
  if (work) await removeDir(work);
});

describe('checkout over HTTP', () => {
  it('checks out a branch shallowly with a Flux revision', async () => {
    const dir = freshDir();
    const result = await changed(checkout({ url: server.repoUrl('app'), ref: { branch: 'main' }, dir }));
    expect(result.revision).toBe(`main@sha1:${second}`);
    expect(result.commit.sha).toBe(second);
    expect(result.commit.message).toBe('Second\n\nbody\n');
    expect(result.commit.parents).toEqual([first]);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('two\n');
    expect(await readFile(join(dir, '.git', 'shallow'), 'utf8')).toContain(second);
  });

  it('discovers refs once per checkout: one GET info/refs, one POST', async () => {
    const before = server.requests().length;
    await checkout({ url: server.repoUrl('app'), ref: { branch: 'main' }, dir: freshDir() });
    const made = server
      .requests()
      .slice(before)
      .map((entry) => `${entry.method} ${entry.path.split('?')[0]}`);
    expect(made).toEqual(['GET /app.git/info/refs', 'POST /app.git/git-upload-pack']);
  });

  it('checks out a lightweight and an annotated tag', async () => {
    const light = await changed(
      checkout({ url: server.repoUrl('app'), ref: { tag: 'v1.0.0' }, dir: freshDir() }),
    );
    expect(light.revision).toBe(`v1.0.0@sha1:${first}`);
    expect(light.tag).toBeUndefined();
    const annotated = await changed(
      checkout({ url: server.repoUrl('app'), ref: { tag: 'v1.1.0' }, dir: freshDir() }),
    );
    expect(annotated.revision).toBe(`v1.1.0@sha1:${first}`);
    expect(annotated.tag?.name).toBe('v1.1.0');
    expect(annotated.tag?.message).toBe('release 1.1.0\n');
    expect(annotated.tag?.target).toBe(first);
  });

  it('picks the highest tag matching a semver range', async () => {
    const url = server.repoUrl('app');
    const v1 = await changed(checkout({ url, ref: { semver: '>=1.0.0 <2.0.0' }, dir: freshDir() }));
    expect(v1.revision).toBe(`v1.1.0@sha1:${first}`);
    const pre = await changed(checkout({ url, ref: { semver: '>=1.2.0-0 <2.0.0' }, dir: freshDir() }));
    expect(pre.revision).toBe(`v1.2.0-rc.1@sha1:${second}`);
    const any = await changed(checkout({ url, ref: { semver: '*' }, dir: freshDir() }));
    expect(any.revision).toBe(`v2.0.0@sha1:${second}`);
    await expect(checkout({ url, ref: { semver: '>=3.0.0' }, dir: freshDir() })).rejects.toMatchObject({
      code: 'RefNotFound',
      message: expect.stringContaining("matches semver range '>=3.0.0'"),
    });
  });

  it('checks out a full ref name, including pull request refs', async () => {
    const url = server.repoUrl('app');
    const pull = await changed(checkout({ url, ref: { name: 'refs/pull/7/head' }, dir: freshDir() }));
    expect(pull.revision).toBe(`refs/pull/7/head@sha1:${featureHead}`);
    const head = await changed(checkout({ url, ref: { name: 'refs/heads/feature/x' }, dir: freshDir() }));
    expect(head.revision).toBe(`refs/heads/feature/x@sha1:${featureHead}`);
  });

  it('checks out a commit alone and on a branch', async () => {
    const url = server.repoUrl('app');
    const dir = freshDir();
    const alone = await changed(checkout({ url, ref: { commit: first }, dir }));
    expect(alone.revision).toBe(`sha1:${first}`);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe('one\n');
    const onBranch = await changed(
      checkout({ url, ref: { branch: 'main', commit: first }, dir: freshDir() }),
    );
    expect(onBranch.revision).toBe(`main@sha1:${first}`);
    await expect(
      checkout({ url, ref: { branch: 'main', commit: featureHead }, dir: freshDir() }),
    ).rejects.toMatchObject({
      code: 'RefNotFound',
    });
    await expect(checkout({ url, ref: { commit: 'f'.repeat(40) }, dir: freshDir() })).rejects.toMatchObject({
      code: 'RefNotFound',
    });
  });

  it('skips the fetch when the remote still points at lastRevision', async () => {
    const url = server.repoUrl('app');
    const dir = freshDir();
    const result = await checkout({ url, ref: { branch: 'main' }, dir, lastRevision: `main@sha1:${second}` });
    expect(result).toEqual({ changed: false, revision: `main@sha1:${second}` });
    await expect(stat(dir)).rejects.toThrow();
    const moved = await checkout({ url, ref: { branch: 'main' }, dir, lastRevision: `main@sha1:${first}` });
    expect(moved.changed).toBe(true);
  });

  it('checks out large, incompressible files intact', async () => {
    const big = randomBytes(700_000);
    await server.createRepo('big', { files: { 'blob.bin': big, 'small.txt': 's\n' } });
    const dir = freshDir();
    await checkout({ url: server.repoUrl('big'), ref: { branch: 'main' }, dir });
    expect((await readFile(join(dir, 'blob.bin'))).equals(big)).toBe(true);
  });

  it('fetches only new objects into an earlier checkout', async () => {
    const repo = await server.createRepo('incremental', { files: { 'a.txt': 'a\n', 'gone.txt': 'g\n' } });
    const url = server.repoUrl('incremental');
    const dir = freshDir();
    await checkout({ url, ref: { branch: 'main' }, dir });
    const next = await commitFiles({ repoPath: repo.path, files: { 'b.txt': 'b\n' }, remove: ['gone.txt'] });
    const result = await changed(checkout({ url, ref: { branch: 'main' }, dir }));
    expect(result.commit.sha).toBe(next);
    expect((await readdir(dir)).sort()).toEqual(['.git', 'a.txt', 'b.txt']);
  });

  it('updates an earlier checkout file by file, leaving index and work tree as git expects', async () => {
    const files = { 'a.txt': 'a\n', 'sub/keep.txt': 'k\n', 'sub/edit.txt': 'e1\n', 'sub/gone.txt': 'g\n' };
    const repo = await server.createRepo('file-by-file', { files });
    const url = server.repoUrl('file-by-file');
    const dir = freshDir();
    const clean = async () => {
      expect(await runGit(['status', '--porcelain'], { cwd: dir })).toBe('');
      const staged = await runGit(['ls-files', '--stage'], { cwd: dir });
      const tree = await runGit(['ls-tree', '-r', 'HEAD'], { cwd: dir });
      const entries = (text: string) =>
        text
          .trim()
          .split('\n')
          .map((line) => line.replace(/ (blob )?([0-9a-f]{40})( 0)?\t/, ' $2\t'));
      expect(entries(staged)).toEqual(entries(tree));
    };
    await checkout({ url, ref: { branch: 'main' }, dir });
    // Regular files only: rewritten in place.
    await commitFiles({
      repoPath: repo.path,
      files: { 'sub/edit.txt': 'e2\n', 'sub/new.txt': 'n\n' },
      remove: ['sub/gone.txt'],
    });
    await changed(checkout({ url, ref: { branch: 'main' }, dir }));
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['edit.txt', 'keep.txt', 'new.txt']);
    expect(await readFile(join(dir, 'sub/edit.txt'), 'utf8')).toBe('e2\n');
    await clean();
    // A new directory and an executable file.
    const source = join(work, 'file-by-file-source');
    await mkdir(join(source, 'sub'), { recursive: true });
    await mkdir(join(source, 'more'), { recursive: true });
    await writeFile(join(source, 'a.txt'), 'a\n', { mode: 0o755 });
    await writeFile(join(source, 'sub/keep.txt'), 'k\n');
    await writeFile(join(source, 'more/m.txt'), 'm\n');
    await commitFiles({ repoPath: repo.path, sourceDir: source });
    await changed(checkout({ url, ref: { branch: 'main' }, dir }));
    expect((await stat(join(dir, 'a.txt'))).mode & 0o111).not.toBe(0);
    expect(await readFile(join(dir, 'more/m.txt'), 'utf8')).toBe('m\n');
    await clean();
    // Executable to regular file (commitFiles stages 100644): the file is created again.
    await commitFiles({ repoPath: repo.path, files: { 'a.txt': 'a2\n' } });
    await changed(checkout({ url, ref: { branch: 'main' }, dir }));
    expect((await stat(join(dir, 'a.txt'))).mode & 0o111).toBe(0);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a2\n');
    await clean();
  });

  it('writes the whole tree again when the sparse directories change', async () => {
    const dir = freshDir();
    const url = server.repoUrl('app');
    await checkout({ url, ref: { branch: 'main' }, dir, sparseCheckout: ['deploy'] });
    expect((await readdir(dir)).sort()).toEqual(['.git', 'deploy']);
    await checkout({ url, ref: { branch: 'main' }, dir });
    expect((await readdir(dir)).sort()).toEqual(['.git', 'README.md', 'deploy', 'other']);
  });

  it('writes only the sparse directories', async () => {
    const dir = freshDir();
    await checkout({
      url: server.repoUrl('app'),
      ref: { branch: 'main' },
      dir,
      sparseCheckout: ['./deploy'],
    });
    expect((await readdir(dir)).sort()).toEqual(['.git', 'deploy']);
    expect(await readFile(join(dir, 'deploy/app.yaml'), 'utf8')).toBe('kind: A\n');
  });

  it('fails with typed errors for missing refs, repositories and hosts', async () => {
    const url = server.repoUrl('app');
    await expect(checkout({ url, ref: { branch: 'nope' }, dir: freshDir() })).rejects.toMatchObject({
      code: 'RefNotFound',
      message: expect.stringContaining("branch 'nope' not found"),
    });
    await expect(checkout({ url, ref: { tag: 'v9' }, dir: freshDir() })).rejects.toMatchObject({
      code: 'RefNotFound',
    });
    await expect(checkout({ url: server.repoUrl('missing'), dir: freshDir() })).rejects.toMatchObject({
      code: 'RepositoryNotFound',
    });
    const closed = `http://127.0.0.1:1/app.git`;
    const error = await checkout({ url: closed, dir: freshDir() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'Unreachable' });
    await expect(checkout({ url: 'ftp://example.com/x.git', dir: freshDir() })).rejects.toMatchObject({
      code: 'InvalidUrl',
    });
  });
});
