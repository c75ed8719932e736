import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFiles, createBareRepo, GIT_TEST_AUTHOR, repoPathFor, runGit } from './git-repos.js';
import { tempDirPerTest } from './test-support/temp-dirs.js';

const scratchDir = tempDirPerTest('git-repos');

async function treeOf(repoPath: string, ref = 'main'): Promise<string[]> {
  return (await runGit(['--git-dir', repoPath, 'ls-tree', '-r', '--name-only', ref]))
    .split('\n')
    .filter(Boolean);
}

describe('bare repository helpers', () => {
  it('creates a repository from a directory and snapshots a later directory as the whole tree', async () => {
    const root = await scratchDir();
    const source = await scratchDir();
    await mkdir(join(source, 'apps/podinfo'), { recursive: true });
    await writeFile(join(source, 'apps/podinfo/release.yaml'), 'kind: HelmRelease\n');
    await writeFile(join(source, 'README.md'), 'fleet\n');
    const repo = await createBareRepo({ root, name: 'fleet', sourceDir: source });
    expect(repo.path).toBe(repoPathFor(root, 'fleet.git'));
    expect(await treeOf(repo.path)).toEqual(['README.md', 'apps/podinfo/release.yaml']);
    expect((await runGit(['--git-dir', repo.path, 'symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/main');

    const next = await scratchDir();
    await writeFile(join(next, 'only.txt'), 'only\n');
    const commit = await commitFiles({ repoPath: repo.path, sourceDir: next, message: 'replace' });
    expect(await treeOf(repo.path)).toEqual(['only.txt']);
    expect((await runGit(['--git-dir', repo.path, 'rev-parse', 'main^'])).trim()).toBe(repo.commit);
    expect(commit).not.toBe(repo.commit);
  });

  it('adds, overwrites and removes files on top of the branch, with the fixed identity and date', async () => {
    const root = await scratchDir();
    const repo = await createBareRepo({ root, name: 'org/app', files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    expect(repo.path).toBe(join(root, 'org/app.git'));
    await commitFiles({
      repoPath: repo.path,
      files: { 'a.txt': 'changed\n', 'c/d.txt': 'd\n' },
      remove: ['b.txt'],
    });
    expect(await treeOf(repo.path)).toEqual(['a.txt', 'c/d.txt']);
    expect(await runGit(['--git-dir', repo.path, 'show', 'main:a.txt'])).toBe('changed\n');
    const log = await runGit(['--git-dir', repo.path, 'log', '--format=%an <%ae> %aI %cI', 'main']);
    const line = `${GIT_TEST_AUTHOR.name} <${GIT_TEST_AUTHOR.email}> 2024-01-01T00:00:00+00:00 2024-01-01T00:00:00+00:00`;
    expect(log).toBe(`${line}\n${line}\n`);
  });

  it('gives the same content a different commit id on a different date', async () => {
    const root = await scratchDir();
    const early = await createBareRepo({ root, name: 'early', files: { 'x.txt': 'x\n' } });
    const late = await createBareRepo({
      root,
      name: 'late',
      files: { 'x.txt': 'x\n' },
      date: '2025-06-01T12:00:00Z',
    });
    const again = await createBareRepo({ root, name: 'again', files: { 'x.txt': 'x\n' } });
    expect(late.commit).not.toBe(early.commit);
    expect(again.commit).toBe(early.commit);
  });

  it('starts an empty repository when given no content, on the chosen default branch', async () => {
    const root = await scratchDir();
    const repo = await createBareRepo({ root, name: 'empty', branch: 'trunk' });
    expect(repo.commit).toBeUndefined();
    expect((await runGit(['--git-dir', repo.path, 'symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/trunk');
    const first = await commitFiles({ repoPath: repo.path, branch: 'trunk', files: { 'x.txt': 'x\n' } });
    expect((await runGit(['--git-dir', repo.path, 'rev-parse', 'HEAD'])).trim()).toBe(first);
  });
});
