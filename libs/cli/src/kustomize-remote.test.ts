// `flotilla kustomize build` fetches remote bases with libs/git (kubectl kustomize allows them by
// default) and leaves no checkout behind.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createTag,
  makeTempDir,
  removeDir,
  startGitHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { main } from './main.js';

describe('flotilla kustomize build with remote bases', () => {
  let git: RunningGitHttpServer;
  let dir: string;
  let scratch: string;
  const savedTmp = process.env.TMPDIR;

  beforeAll(async () => {
    git = await startGitHttpServer();
    const repo = await git.createRepo('bases', {
      files: {
        'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
        'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  from: git\n',
      },
    });
    await createTag({ repoPath: repo.path, name: 'v1' });
    dir = await makeTempDir('cli-remote');
    // os.tmpdir() follows TMPDIR: the command's scratch checkout lands here, where we can look.
    scratch = join(dir, 'tmp');
    await mkdir(scratch);
    process.env.TMPDIR = scratch;
  });
  afterAll(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await git?.stop();
    await removeDir(dir);
  });
  afterEach(() => vi.restoreAllMocks());

  async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(argv);
    vi.restoreAllMocks();
    return { code, stdout, stderr };
  }

  async function overlay(name: string, ref: string): Promise<string> {
    const path = join(dir, name);
    await mkdir(path);
    await writeFile(
      join(path, 'kustomization.yaml'),
      `namespace: apps\nresources:\n  - ${git.repoUrl('bases')}//base?ref=${ref}\n`,
    );
    return path;
  }

  it('builds a kustomization whose base is a git URL and removes the checkout', async () => {
    const result = await run(['kustomize', 'build', await overlay('ok', 'v1')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as unknown);
    expect(docs).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'shared', namespace: 'apps' },
        data: { from: 'git' },
      },
    ]);
    expect(git.requests().length).toBeGreaterThan(0);
    expect(await readdir(scratch)).toEqual([]);
  });

  it('reports a missing ref and still removes the checkout', async () => {
    const result = await run(['kustomize', 'build', await overlay('missing', 'v9')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/branch 'v9' not found/);
    expect(await readdir(scratch)).toEqual([]);
  });
});
