import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build, buildAsync } from './build.js';
import { KustomizeError } from './errors.js';
import { isRemote, parseRemote, type RemoteTarget } from './remote.js';
import { at, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

describe('parseRemote', () => {
  it('reads the git URL forms kustomize accepts', () => {
    expect(parseRemote('https://github.com/org/repo//deploy/base?ref=v1.2.0', 'k')).toMatchObject({
      repository: 'https://github.com/org/repo',
      path: 'deploy/base',
      ref: 'v1.2.0',
    });
    expect(parseRemote('github.com/org/repo/deploy/base?version=main', 'k')).toMatchObject({
      repository: 'https://github.com/org/repo',
      path: 'deploy/base',
      ref: 'main',
    });
    expect(parseRemote('git@github.com:org/repo.git/base', 'k')).toMatchObject({
      repository: 'git@github.com:org/repo.git',
      path: 'base',
    });
    expect(parseRemote('ssh://git@example.com/org/repo.git//x?ref=abc&timeout=90s', 'k')).toMatchObject({
      repository: 'ssh://git@example.com/org/repo.git',
      path: 'x',
      ref: 'abc',
      timeoutSeconds: 90,
    });
    expect(parseRemote('git::https://example.com/org/repo//a?submodules=false', 'k')).toMatchObject({
      repository: 'https://example.com/org/repo',
      path: 'a',
      submodules: false,
      timeoutSeconds: 27,
    });
    expect(parseRemote('file:///srv/repos/app//overlays/prod', 'k')).toMatchObject({
      repository: 'file:///srv/repos/app',
      path: 'overlays/prod',
    });
    expect(parseRemote('https://github.com/org/repo', 'k').ref).toBeUndefined();
  });

  it('tells remote references from local paths', () => {
    expect(isRemote('github.com/org/repo')).toBe(true);
    expect(isRemote('https://example.com/x')).toBe(true);
    expect(isRemote('../base')).toBe(false);
    expect(isRemote('github.com.yaml')).toBe(false);
  });

  it('refuses URLs without a repository', () => {
    expect(() => parseRemote('https://', 'kustomization.yaml')).toThrow(/cannot parse remote base/);
  });
});

describe('remote bases', () => {
  const checkout = (): string =>
    writeTree({
      'deploy/base/kustomization.yaml': 'resources:\n- svc.yaml\n',
      'deploy/base/svc.yaml': SERVICE,
    });
  const overlay = (): string =>
    writeTree({
      'kustomization.yaml':
        'resources:\n- https://github.com/org/repo//deploy/base?ref=v1\nnamePrefix: p-\nbuildMetadata: [originAnnotations]\n',
    });

  it('are disabled without a loader', () => {
    expect(() => build(overlay())).toThrow(/remote bases are disabled: cannot load 'https:\/\/github\.com/);
  });

  it('build from the checkout a synchronous loader returns, with origin repo and ref', () => {
    const repo = checkout();
    const calls: RemoteTarget[] = [];
    const { resources } = build(overlay(), {
      remoteLoader: (target) => {
        calls.push(target);
        return repo;
      },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      repository: 'https://github.com/org/repo',
      ref: 'v1',
      path: 'deploy/base',
    });
    expect(at(resources[0], 'metadata.name')).toBe('p-web');
    expect(at(resources[0], 'metadata.annotations')).toEqual({
      'config.kubernetes.io/origin':
        'path: deploy/base/svc.yaml\nrepo: https://github.com/org/repo\nref: v1\n',
    });
  });

  it('await an asynchronous loader in buildAsync, and refuse it in build', async () => {
    const repo = checkout();
    const loader = (): Promise<string> => Promise.resolve(repo);
    const { resources } = await buildAsync(overlay(), { remoteLoader: loader });
    expect(at(resources[0], 'metadata.name')).toBe('p-web');
    expect(() => build(overlay(), { remoteLoader: loader })).toThrow(/use buildAsync/);
  });

  it('report loader failures as REMOTE_FAILED', async () => {
    const failing = (): never => {
      throw new Error('could not resolve host');
    };
    expect(() => build(overlay(), { remoteLoader: failing })).toThrow(/could not resolve host/);
    await expect(
      buildAsync(overlay(), { remoteLoader: () => Promise.reject(new Error('timeout')) }),
    ).rejects.toMatchObject({ code: 'REMOTE_FAILED' });
  });

  it('keep reads inside the checkout', () => {
    const repo = writeTree({ 'base/kustomization.yaml': 'resources:\n- ../../escape.yaml\n' });
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- github.com/org/repo//base\n' });
    let error: unknown;
    try {
      build(root, { remoteLoader: () => repo });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KustomizeError);
    expect((error as KustomizeError).code).toBe('OUTSIDE_ROOT');
    const escaping = writeTree({
      'kustomization.yaml': 'resources:\n- github.com/org/repo//..%2F..?ref=x\n',
    });
    expect(() => build(escaping, { remoteLoader: () => path.join(repo, 'base') })).toThrow(KustomizeError);
  });

  it('build from a real git checkout (file:// URL cloned by the loader), origin as kubectl writes it', () => {
    const repo = checkout();
    const git = (cwd: string, ...args: string[]): void => {
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
        cwd,
        stdio: 'ignore',
      });
    };
    git(repo, 'init', '-q', '-b', 'main', '.');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    const clones: string[] = [];
    const root = writeTree({
      'kustomization.yaml': `resources:\n- file://${repo}//deploy/base?ref=main\nbuildMetadata: [originAnnotations]\n`,
    });
    try {
      const { resources } = build(root, {
        remoteLoader: (target) => {
          const dir = mkdtempSync(path.join(tmpdir(), 'kustomize-clone-'));
          clones.push(dir);
          execFileSync('git', ['clone', '-q', '--branch', target.ref ?? 'main', target.repository, dir]);
          return dir;
        },
      });
      expect(at(resources[0], 'metadata.annotations')).toEqual({
        'config.kubernetes.io/origin': `path: deploy/base/svc.yaml\nrepo: file://${repo}\nref: main\n`,
      });
    } finally {
      for (const dir of clones) rmSync(dir, { recursive: true, force: true });
    }
  });
});
