import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempDir,
  removeDir,
  runGit,
  startGitHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import { checkout, parseGitmodules } from './index.js';

let server: RunningGitHttpServer;
let work: string;

/** Adds a gitlink (mode 160000) for `commit` at `path` on the bare repository's main branch. */
async function addGitlink(repoPath: string, path: string, commit: string): Promise<string> {
  const env = { GIT_INDEX_FILE: join(work, `index-${Date.now()}`) };
  await runGit(['--git-dir', repoPath, 'read-tree', 'main'], { env });
  await runGit(['--git-dir', repoPath, 'update-index', '--add', '--cacheinfo', `160000,${commit},${path}`], {
    env,
  });
  const tree = (await runGit(['--git-dir', repoPath, 'write-tree'], { env })).trim();
  const parent = (await runGit(['--git-dir', repoPath, 'rev-parse', 'main'])).trim();
  const next = (
    await runGit(['--git-dir', repoPath, 'commit-tree', tree, '-p', parent, '-m', 'add submodule'])
  ).trim();
  await runGit(['--git-dir', repoPath, 'update-ref', 'refs/heads/main', next]);
  return next;
}

beforeAll(async () => {
  server = await startGitHttpServer({ auth: { username: 'u', password: 'p' } });
  work = await makeTempDir('git-submodule-test');
  const inner = await server.createRepo('group/inner', { files: { 'inner.txt': 'inner\n' } });
  const lib = await server.createRepo('group/lib', {
    files: {
      'lib.txt': 'lib v1\n',
      '.gitmodules': '[submodule "inner"]\n\tpath = nested\n\turl = ../inner.git\n',
    },
  });
  await addGitlink(lib.path, 'nested', inner.commit as string);
  const libHead = (await runGit(['--git-dir', lib.path, 'rev-parse', 'main'])).trim();
  // Move lib's branch on, so the parent pins a commit that is no longer the branch head.
  await runGit(['--git-dir', lib.path, 'branch', 'old', libHead]);
  const parent = await server.createRepo('group/parent', {
    files: {
      'README.md': 'parent\n',
      '.gitmodules': '[submodule "lib"]\n\tpath = vendor/lib\n\turl = ../lib.git\n',
    },
  });
  await addGitlink(parent.path, 'vendor/lib', libHead);
  const { commitFiles } = await import('@flotilla/testing');
  await commitFiles({ repoPath: lib.path, files: { 'lib.txt': 'lib v2\n' } });
});

afterAll(async () => {
  await server?.stop();
  if (work) await removeDir(work);
});

describe('submodules', () => {
  it('parses .gitmodules', () => {
    expect(
      parseGitmodules(
        '[submodule "a"]\n  path = x/a/\n  url = "../a.git"\n[core]\n  path = nope\n[submodule "b"]\n path = b\n',
      ),
    ).toEqual([{ name: 'a', path: 'x/a', url: '../a.git' }]);
  });

  it('checks out submodules recursively at their pinned commits with the same credentials', async () => {
    const dir = join(work, 'recursive');
    await checkout({
      url: server.repoUrl('group/parent'),
      ref: { branch: 'main' },
      dir,
      auth: { username: 'u', password: 'p' },
      recurseSubmodules: true,
    });
    expect(await readFile(join(dir, 'vendor/lib/lib.txt'), 'utf8')).toBe('lib v1\n');
    expect(await readFile(join(dir, 'vendor/lib/nested/inner.txt'), 'utf8')).toBe('inner\n');
  });

  it('leaves submodule directories empty without recurseSubmodules', async () => {
    const dir = join(work, 'flat');
    await checkout({
      url: server.repoUrl('group/parent'),
      ref: { branch: 'main' },
      dir,
      auth: { username: 'u', password: 'p' },
    });
    const entries = await readdir(join(dir, 'vendor/lib')).catch(() => []);
    expect(entries).toEqual([]);
  });
});
