// GitRepository features beyond refs: OpenPGP verification of HEAD (SourceVerified), sparse
// checkout, submodules over HTTP, an HTTP proxy from proxySecretRef, and rebuilding an including
// repository when the included artifact changes.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkout, commitAndPush } from '@flotilla/git';
import {
  commitFiles,
  listenOnLoopback,
  makeTempDir,
  runGit,
  startGitHttpServer,
  type ListeningHttpServer,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import type { Artifact } from '../storage.js';
import {
  artifactFiles,
  conditionOf,
  failedWith,
  isReady,
  type SourceHarness,
  sourceManifest,
} from '../test-support/harness.js';
import { useSourceSuite } from '../test-support/suite.js';

/** A forward proxy for plain-HTTP absolute-URI requests that counts what it relays. */
async function startForwardProxy(): Promise<ListeningHttpServer & { relayed: string[] }> {
  const relayed: string[] = [];
  const listening = await listenOnLoopback((request: IncomingMessage, response: ServerResponse) => {
    relayed.push(request.url ?? '');
    const upstream = httpRequest(
      request.url ?? '',
      { method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  return Object.assign(listening, { relayed });
}

describe('GitRepository features', () => {
  let h: SourceHarness;
  let server: RunningGitHttpServer;
  let proxy: ListeningHttpServer & { relayed: string[] };
  let scratch: string;
  let trusted: string;
  let stranger: string;
  let signedCommit: string;
  let libPath: string;

  const env = useSourceSuite({
    server: () => startGitHttpServer(),
    proxy: () => startForwardProxy(),
    scratch: () => makeTempDir('git-features'),
  });
  beforeAll(async () => {
    ({ h, server, proxy, scratch } = env);
    const key = await openpgp.generateKey({
      userIDs: [{ name: 'Signer', email: 'signer@example.invalid' }],
      format: 'armored',
    });
    const other = await openpgp.generateKey({
      userIDs: [{ name: 'Other', email: 'other@example.invalid' }],
      format: 'armored',
    });
    trusted = key.publicKey;
    stranger = other.publicKey;
    await server.createRepo('signed', { files: { 'a.yaml': 'a: 1\n' } });
    const work = join(scratch, 'signed');
    await checkout({ url: server.repoUrl('signed'), dir: work, ref: { branch: 'main' } });
    const pushed = await commitAndPush({
      dir: work,
      url: server.repoUrl('signed'),
      branch: 'main',
      author: { name: 'Signer', email: 'signer@example.invalid' },
      message: 'signed commit',
      files: { 'b.yaml': 'b: 2\n' },
      signingKey: { armoredKey: key.privateKey },
    });
    signedCommit = pushed.commit as string;

    await server.createRepo('mono', {
      files: { 'apps/a.yaml': 'a\n', 'infra/b.yaml': 'b\n', 'top.yaml': 't\n' },
    });
    libPath = (await server.createRepo('lib', { files: { 'lib.yaml': 'lib: 1\n' } })).path;
    const parent = join(scratch, 'parent');
    await runGit(['init', '--quiet', '--initial-branch=main', parent]);
    await runGit(['-C', parent, 'submodule', 'add', '--quiet', server.repoUrl('lib'), 'vendor/lib']);
    await runGit(['-C', parent, 'commit', '--quiet', '-m', 'add submodule']);
    const bare = (await server.createRepo('parent')).path;
    await runGit(['-C', parent, 'push', '--quiet', bare, 'main:main']);
  });

  const gitRepository = (namespace: string, name: string, spec: Record<string, unknown>) =>
    sourceManifest('GitRepository', namespace, name, { interval: '10m', ref: { branch: 'main' }, ...spec });

  it('verifies the HEAD commit signature against the trusted keys', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 'trusted', { 'author.asc': trusted });
    await h.secret(ns, 'stranger', { 'other.asc': stranger });
    const url = server.repoUrl('signed');
    await h.create(
      'GitRepository',
      gitRepository(ns, 'good', { url, verify: { mode: 'HEAD', secretRef: { name: 'trusted' } } }),
    );
    await h.create(
      'GitRepository',
      gitRepository(ns, 'bad', { url, verify: { mode: 'HEAD', secretRef: { name: 'stranger' } } }),
    );
    const good = await h.waitFor('GitRepository', ns, 'good', isReady);
    expect((good.status?.artifact as Artifact).revision).toBe(`main@sha1:${signedCommit}`);
    expect(conditionOf(good, 'SourceVerified')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    expect(conditionOf(good, 'SourceVerified')?.message).toContain(signedCommit);
    expect(good.status?.sourceVerificationMode).toBe('HEAD');
    const bad = await h.waitFor('GitRepository', ns, 'bad', failedWith('VerificationError'));
    expect(conditionOf(bad, 'SourceVerified')).toMatchObject({
      status: 'False',
      reason: 'VerificationError',
    });
    expect(bad.status?.artifact).toBeUndefined();
  });

  it('checks out only the sparse directories', async () => {
    const ns = await h.namespace();
    await h.create(
      'GitRepository',
      gitRepository(ns, 'sparse', { url: server.repoUrl('mono'), sparseCheckout: ['./apps'] }),
    );
    const ready = await h.waitFor('GitRepository', ns, 'sparse', isReady);
    expect(await artifactFiles(ready)).toEqual(['apps/a.yaml']);
    expect(ready.status?.observedSparseCheckout).toEqual(['apps']);
  });

  it('checks out submodules over HTTP with recurseSubmodules', async () => {
    const ns = await h.namespace();
    await h.create(
      'GitRepository',
      gitRepository(ns, 'parent', { url: server.repoUrl('parent'), recurseSubmodules: true }),
    );
    const ready = await h.waitFor('GitRepository', ns, 'parent', isReady);
    expect(await artifactFiles(ready)).toContain('vendor/lib/lib.yaml');
    expect(ready.status?.observedRecurseSubmodules).toBe(true);
  });

  it('fetches through the proxy of proxySecretRef', async () => {
    const ns = await h.namespace();
    await h.secret(ns, 'proxy', { address: proxy.url });
    await h.create(
      'GitRepository',
      gitRepository(ns, 'proxied', { url: server.repoUrl('mono'), proxySecretRef: { name: 'proxy' } }),
    );
    await h.waitFor('GitRepository', ns, 'proxied', isReady);
    expect(proxy.relayed.some((url) => url.startsWith(`${server.url}/mono.git/`))).toBe(true);
  });

  it('rebuilds the including repository when the included artifact changes', async () => {
    const ns = await h.namespace();
    await h.create('GitRepository', gitRepository(ns, 'lib', { url: server.repoUrl('lib') }));
    await h.create(
      'GitRepository',
      gitRepository(ns, 'host', { url: server.repoUrl('mono'), include: [{ repository: { name: 'lib' } }] }),
    );
    const first = await h.waitFor('GitRepository', ns, 'host', isReady);
    expect(await artifactFiles(first)).toContain('lib/lib.yaml');
    await commitFiles({ repoPath: libPath, files: { 'lib2.yaml': 'lib: 2\n' } });
    await h.annotate('GitRepository', ns, 'lib', { 'reconcile.fluxcd.io/requestedAt': 'bump' });
    const rebuilt = await h.waitFor(
      'GitRepository',
      ns,
      'host',
      (o) =>
        isReady(o) && (o.status?.artifact as Artifact).digest !== (first.status?.artifact as Artifact).digest,
    );
    expect(await artifactFiles(rebuilt)).toContain('lib/lib2.yaml');
  });
});
