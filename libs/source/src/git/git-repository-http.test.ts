// GitRepository over HTTP against `git http-backend`: every ref type, Basic auth, ignore rules,
// include, the no-fetch path for an unchanged remote, and the bad inputs (missing ref, wrong
// credentials, unreachable host, a symlink leaving the repository).
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  createTag,
  makeTempDir,
  startGitHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import type { Artifact } from '../storage.js';
import {
  artifactFiles,
  conditionOf,
  conditionTrue,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';

describe('GitRepository over HTTP', () => {
  let h: SourceHarness;
  let server: RunningGitHttpServer;
  let authServer: RunningGitHttpServer;
  let scratch: string;
  const commits: Record<string, string> = {};

  const env = useSourceSuite({
    server: () => startGitHttpServer(),
    authServer: () => startGitHttpServer({ auth: { username: 'git', password: 's3cret' } }),
    scratch: () => makeTempDir('git-src'),
  });
  beforeAll(async () => {
    ({ h, server, authServer, scratch } = env);
    const app = await server.createRepo('app', {
      files: {
        'deploy/app.yaml': 'kind: ConfigMap\n',
        'logo.png': 'png',
        '.github/workflows/ci.yaml': 'on: push\n',
        'README.md': '# app\n',
      },
      message: 'first commit\n\nbody',
    });
    commits.first = app.commit as string;
    await createTag({ repoPath: app.path, name: 'v1.0.0', message: 'release 1.0.0' });
    commits.second = await commitFiles({
      repoPath: app.path,
      files: { 'deploy/app.yaml': 'kind: Secret\n' },
      message: 'second commit',
    });
    await createTag({ repoPath: app.path, name: 'v1.1.0' });
    commits.third = await commitFiles({
      repoPath: app.path,
      files: { 'later.yaml': 'x: 1\n' },
      message: 'third commit',
    });
    await createTag({ repoPath: app.path, name: 'v2.0.0-rc.1' });
    commits.feature = await commitFiles({
      repoPath: app.path,
      branch: 'feature/x',
      files: { 'feature.yaml': 'f: 1\n' },
      message: 'feature',
    });
    await authServer.createRepo('private', { files: { 'secret.yaml': 'a: b\n' } });
    const tree = join(scratch, 'tree');
    await mkdir(join(tree, 'dir'), { recursive: true });
    await writeFile(join(tree, 'dir', 'file.yaml'), 'ok: true\n');
    await symlink('/etc/passwd', join(tree, 'passwd'));
    await symlink('../../../outside', join(tree, 'dir', 'up'));
    await server.createRepo('links', { sourceDir: tree });
  });

  const gitRepository = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('GitRepository', namespace, name, {
      interval: '10m',
      url: server.repoUrl('app'),
      ...spec,
    });

  it('checks out branch, tag, semver, name and commit refs with Flux revisions', async () => {
    const ns = await h.namespace();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['branch', { branch: 'main' }, `main@sha1:${commits.third}`],
      ['tag', { tag: 'v1.0.0' }, `v1.0.0@sha1:${commits.first}`],
      ['semver', { semver: '>=1.0.0 <2.0.0' }, `v1.1.0@sha1:${commits.second}`],
      ['semverpre', { semver: '>=2.0.0-0' }, `v2.0.0-rc.1@sha1:${commits.third}`],
      ['name', { name: 'refs/heads/feature/x' }, `refs/heads/feature/x@sha1:${commits.feature}`],
      ['commit', { commit: commits.second }, `sha1:${commits.second}`],
      ['branchcommit', { branch: 'main', commit: commits.first }, `main@sha1:${commits.first}`],
    ];
    for (const [name, ref] of cases) await h.create('GitRepository', gitRepository(ns, name, { ref }));
    for (const [name, , revision] of cases) {
      const ready = await h.waitFor('GitRepository', ns, name, isReady);
      const artifact = ready.status?.artifact as Artifact;
      expect(artifact.revision, name).toBe(revision);
      expect(artifact.path).toBe(`gitrepository/${ns}/${name}/${revision.slice(-40)}.tar.gz`);
    }
    const main = await h.get('GitRepository', ns, 'branch');
    expect(conditionOf(main, 'Ready')?.message).toBe(
      `stored artifact for revision 'main@sha1:${commits.third}'`,
    );
    // Default exclusions: images and .github/ are left out.
    expect(await artifactFiles(main)).toEqual(['README.md', 'deploy/app.yaml', 'later.yaml']);
  });

  it('applies spec.ignore (which drops the defaults) and re-packs when it changes without a new commit', async () => {
    const ns = await h.namespace();
    await h.create(
      'GitRepository',
      gitRepository(ns, 'ignore', { ref: { branch: 'main' }, ignore: '/deploy/\n' }),
    );
    const ready = await h.waitFor('GitRepository', ns, 'ignore', isReady);
    expect(await artifactFiles(ready)).toEqual([
      '.github/workflows/ci.yaml',
      'README.md',
      'later.yaml',
      'logo.png',
    ]);
    expect(ready.status?.observedIgnore).toBe('/deploy/\n');
    await h.patchSpec('GitRepository', ns, 'ignore', { ignore: '*.md\n' });
    const repacked = await h.waitFor(
      'GitRepository',
      ns,
      'ignore',
      (o) => isReady(o) && o.status?.observedIgnore === '*.md\n',
    );
    expect(await artifactFiles(repacked)).toEqual([
      '.github/workflows/ci.yaml',
      'deploy/app.yaml',
      'later.yaml',
      'logo.png',
    ]);
  });

  it('does not fetch when the remote ref still points at the stored commit', async () => {
    const ns = await h.namespace();
    await h.create('GitRepository', gitRepository(ns, 'nofetch', { ref: { tag: 'v1.0.0' } }));
    const ready = await h.waitFor('GitRepository', ns, 'nofetch', isReady);
    const before = server.requests().length;
    await h.annotate('GitRepository', ns, 'nofetch', { 'reconcile.fluxcd.io/requestedAt': 'again' });
    const again = await h.waitFor(
      'GitRepository',
      ns,
      'nofetch',
      (o) => o.status?.lastHandledReconcileAt === 'again',
    );
    expect(again.status?.artifact).toEqual(ready.status?.artifact);
    const requests = server.requests().slice(before);
    expect(requests.map((r) => r.path)).toEqual([
      expect.stringContaining('/info/refs?service=git-upload-pack'),
    ]);
  });

  it('includes another GitRepository artifact at toPath', async () => {
    const ns = await h.namespace();
    await h.create('GitRepository', gitRepository(ns, 'lib', { ref: { tag: 'v1.0.0' } }));
    await h.create(
      'GitRepository',
      gitRepository(ns, 'host', {
        ref: { branch: 'feature/x' },
        include: [{ repository: { name: 'lib' }, fromPath: 'deploy', toPath: 'vendor/lib' }],
      }),
    );
    const ready = await h.waitFor('GitRepository', ns, 'host', isReady);
    expect(await artifactFiles(ready)).toContain('vendor/lib/app.yaml');
    const lib = await h.get('GitRepository', ns, 'lib');
    expect((ready.status?.includedArtifacts as Artifact[])[0]?.revision).toBe(
      (lib.status?.artifact as Artifact).revision,
    );
    expect(ready.status?.observedInclude).toEqual([
      { repository: { name: 'lib' }, fromPath: 'deploy', toPath: 'vendor/lib' },
    ]);

    await h.create(
      'GitRepository',
      gitRepository(ns, 'dangling', { include: [{ repository: { name: 'nope' } }] }),
    );
    const dangling = await h.waitFor('GitRepository', ns, 'dangling', conditionTrue('IncludeUnavailable'));
    expect(conditionOf(dangling, 'IncludeUnavailable')?.reason).toBe('NotFound');
  });

  it('authenticates with Basic credentials and fails with AuthenticationFailed without them', async () => {
    const ns = await h.namespace();
    await h.create(
      'GitRepository',
      gitRepository(ns, 'private', { url: authServer.repoUrl('private'), ref: { branch: 'main' } }),
    );
    await h.waitFor('GitRepository', ns, 'private', failedWith('AuthenticationFailed'));
    await h.secret(ns, 'creds', { username: 'git', password: 's3cret' });
    await h.patchSpec('GitRepository', ns, 'private', { secretRef: { name: 'creds' } });
    const ready = await h.waitFor('GitRepository', ns, 'private', isReady);
    expect(conditionOf(ready, 'FetchFailed')).toBeUndefined();
  });

  it('reports a missing ref and an unreachable host as GitOperationFailed, keeping the last artifact', async () => {
    const ns = await h.namespace();
    await h.create('GitRepository', gitRepository(ns, 'moving', { ref: { branch: 'main' } }));
    const good = (await h.waitFor('GitRepository', ns, 'moving', isReady)).status?.artifact as Artifact;
    await h.patchSpec('GitRepository', ns, 'moving', { ref: { branch: 'gone' } });
    const missing = await h.waitFor('GitRepository', ns, 'moving', failedWith('GitOperationFailed'));
    expect(conditionOf(missing, 'FetchFailed')?.message).toContain('gone');
    expect(missing.status?.artifact).toEqual(good);
    expect((await fetch(good.url)).status).toBe(200);

    await h.create('GitRepository', gitRepository(ns, 'unreachable', { url: 'http://127.0.0.1:1/app.git' }));
    await h.waitFor('GitRepository', ns, 'unreachable', failedWith('GitOperationFailed'));
  });

  it('leaves symlinks out of the artifact, including those pointing outside the repository', async () => {
    const ns = await h.namespace();
    await h.create(
      'GitRepository',
      gitRepository(ns, 'links', { url: server.repoUrl('links'), ref: { branch: 'main' } }),
    );
    const ready = await h.waitFor('GitRepository', ns, 'links', isReady);
    expect(await artifactFiles(ready)).toEqual(['dir/file.yaml']);
  });
});
