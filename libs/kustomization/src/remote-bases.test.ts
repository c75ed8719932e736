// gitRemoteLoader against a real git http-backend: kustomize remote bases by tag, branch, commit and
// the default branch, fetched once per repository and ref.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAsync, KustomizeError, type RemoteTarget } from '@flotilla/kustomize';
import {
  commitFiles,
  createBranch,
  createTag,
  makeTempDir,
  removeDir,
  startGitHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateRefs, gitRemoteLoader } from './remote-bases.js';

const base = (value: string) => ({
  'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
  'base/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\ndata:\n  value: ${value}\n`,
});

describe('gitRemoteLoader', () => {
  let server: RunningGitHttpServer;
  let tmp: string;
  let first: string;
  let counter = 0;

  beforeAll(async () => {
    server = await startGitHttpServer();
    tmp = await makeTempDir('remote-bases');
    const repo = await server.createRepo('bases', { files: base('one') });
    first = repo.commit as string;
    await createTag({ repoPath: repo.path, name: 'v1' });
    await commitFiles({ repoPath: repo.path, files: base('two') });
    await createBranch({ repoPath: repo.path, name: 'stable' });
    await commitFiles({ repoPath: repo.path, branch: 'stable', files: base('three') });
  });
  afterAll(async () => {
    await server?.stop();
    await removeDir(tmp);
  });

  /** Writes a kustomization with these resources and builds it with a fresh loader. */
  async function buildWith(resources: string[]) {
    counter += 1;
    const dir = join(tmp, `case-${counter}`);
    const workDir = join(tmp, `work-${counter}`);
    await mkdir(dir, { recursive: true });
    const list = resources.map((r) => `  - ${r}\n`).join('');
    await writeFile(join(dir, 'kustomization.yaml'), `resources:\n${list}`);
    const result = await buildAsync(dir, { remoteLoader: gitRemoteLoader({ workDir }) });
    return { result, workDir };
  }

  const values = (resources: { data?: unknown }[]) =>
    resources.map((r) => (r.data as { value: string }).value);

  it('checks out a tag', async () => {
    const { result } = await buildWith([`${server.repoUrl('bases')}//base?ref=v1`]);
    expect(values(result.resources)).toEqual(['one']);
  });

  it('falls back to a branch when no tag has the name', async () => {
    const { result } = await buildWith([`${server.repoUrl('bases')}//base?ref=stable`]);
    expect(values(result.resources)).toEqual(['three']);
  });

  it('checks out a commit given as 40 hex digits', async () => {
    const { result } = await buildWith([`${server.repoUrl('bases')}//base?ref=${first}`]);
    expect(values(result.resources)).toEqual(['one']);
  });

  it("takes the remote's default branch when there is no ref", async () => {
    const { result } = await buildWith([`${server.url}/bases.git/base`]);
    expect(values(result.resources)).toEqual(['two']);
  });

  it('fetches each repository and ref once per loader', async () => {
    await server.createRepo('pair', {
      files: {
        'a/kustomization.yaml': 'resources:\n  - cm.yaml\n',
        'a/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  value: a\n',
        'b/kustomization.yaml': 'resources:\n  - cm.yaml\n',
        'b/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  value: b\n',
      },
    });
    const url = server.repoUrl('pair');
    const { result, workDir } = await buildWith([`${url}//a?ref=main`, `${url}//b?ref=main`]);
    expect(values(result.resources)).toEqual(['a', 'b']);
    // One directory for the failed tag attempt, one for the branch checkout both bases share.
    const checkouts = await readdir(workDir);
    expect(checkouts).toHaveLength(2);
  });

  it('fails the build with the git error when the ref does not exist', async () => {
    const failure = buildWith([`${server.repoUrl('bases')}//base?ref=nope`]);
    await expect(failure).rejects.toBeInstanceOf(KustomizeError);
    await expect(failure).rejects.toThrow(/branch 'nope' not found/);
  });

  it('retries a failed fetch instead of caching the failure', async () => {
    const workDir = join(tmp, 'retry');
    const loader = gitRemoteLoader({ workDir });
    const target: RemoteTarget = {
      url: `${server.repoUrl('late')}//?ref=main`,
      repository: server.repoUrl('late'),
      ref: 'main',
      path: '',
      submodules: false,
      timeoutSeconds: 10,
    };
    await expect(Promise.resolve(loader(target))).rejects.toThrow();
    await server.createRepo('late', { files: { 'x.txt': 'x' } });
    const dir = await loader(target);
    expect(await readdir(dir)).toContain('x.txt');
  });

  it('maps refs to what libs/git checks out', () => {
    expect(candidateRefs(undefined)).toEqual([{ name: 'HEAD' }]);
    expect(candidateRefs(first.toUpperCase())).toEqual([{ commit: first.toUpperCase() }]);
    expect(candidateRefs('refs/pull/1/head')).toEqual([{ name: 'refs/pull/1/head' }]);
    expect(candidateRefs('v1')).toEqual([{ tag: 'v1' }, { branch: 'v1' }]);
  });
});
