import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  makeTempDir,
  removeDir,
  resolveRef,
  runGit,
  startGitHttpServer,
  startGitSshServer,
  type RunningGitHttpServer,
  type RunningGitSshServer,
} from '@flotilla/testing';
import {
  checkout,
  commitAndPush,
  createHttpClient,
  openpgpSigner,
  verifyCommit,
  verifyTag,
  type CheckoutChanged,
} from './index.js';

const author = { name: 'Flux Bot', email: 'bot@example.com', timestamp: 1_700_000_000 };

let http: RunningGitHttpServer;
let ssh: RunningGitSshServer;
let work: string;
let counter = 0;
let signing: { privateKey: string; publicKey: string };
let stranger: { privateKey: string; publicKey: string };

function freshDir(): string {
  counter += 1;
  return join(work, `push-${counter}`);
}

async function keyPair(name: string, passphrase?: string) {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email: `${name}@example.com` }],
    passphrase,
    format: 'armored',
  });
  return { privateKey, publicKey };
}

beforeAll(async () => {
  http = await startGitHttpServer({ auth: { username: 'u', password: 'p' } });
  ssh = await startGitSshServer({ repoRoot: http.repoRoot });
  work = await makeTempDir('git-push-test');
  signing = await keyPair('signer', 'pass');
  stranger = await keyPair('stranger');
});

afterAll(async () => {
  await Promise.all([http?.stop(), ssh?.stop()]);
  if (work) await removeDir(work);
});

describe('commitAndPush', () => {
  it('commits written files over HTTP and pushes them to another branch', async () => {
    const repo = await http.createRepo('http-push', {
      files: { 'app.yaml': 'image: a:1\n', 'keep.txt': 'k\n' },
    });
    const auth = { username: 'u', password: 'p' };
    const url = http.repoUrl('http-push');
    const dir = freshDir();
    await checkout({ url, ref: { branch: 'main' }, dir, auth });
    const result = await commitAndPush({
      dir,
      url,
      auth,
      branch: 'main',
      pushBranch: 'automation',
      author,
      message: 'Update image',
      files: { 'app.yaml': 'image: a:2\n', 'new/dir.txt': 'n\n', 'keep.txt': null },
    });
    expect(result).toMatchObject({ changed: true, pushed: true });
    expect(await resolveRef(repo.path, 'automation')).toBe(result.commit);
    expect(await resolveRef(repo.path, 'main')).toBe(repo.commit);
    expect(await runGit(['--git-dir', repo.path, 'show', 'automation:app.yaml'])).toBe('image: a:2\n');
    const files = await runGit(['--git-dir', repo.path, 'ls-tree', '-r', '--name-only', 'automation']);
    expect(files.trim().split('\n')).toEqual(['app.yaml', 'new/dir.txt']);
    await runGit(['--git-dir', repo.path, 'fsck', '--strict']);
    const again = await commitAndPush({
      dir,
      url,
      auth,
      branch: 'main',
      pushBranch: 'automation',
      author,
      message: 'noop',
    });
    expect(again).toEqual({ changed: false, pushed: false });
  });

  it('commits and pushes over SSH, signed, and the signature verifies after a checkout', async () => {
    const repo = await http.createRepo('ssh-push', { files: { 'a.txt': 'a\n' } });
    const auth = { identity: ssh.clientKey.privateKey, knownHosts: ssh.knownHosts };
    const url = ssh.repoUrl('ssh-push');
    const dir = freshDir();
    await checkout({ url, ref: { branch: 'main' }, dir, auth });
    const result = await commitAndPush({
      dir,
      url,
      auth,
      branch: 'main',
      author,
      message: 'Signed change',
      files: { 'a.txt': 'b\n' },
      signingKey: { armoredKey: signing.privateKey, passphrase: 'pass' },
    });
    expect(await resolveRef(repo.path, 'main')).toBe(result.commit);
    const raw = await runGit(['--git-dir', repo.path, 'cat-file', 'commit', 'main']);
    expect(raw).toContain('gpgsig -----BEGIN PGP SIGNATURE-----');

    const fresh = (await checkout({
      url: http.repoUrl('ssh-push'),
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: { username: 'u', password: 'p' },
    })) as CheckoutChanged;
    expect(fresh.commit.sha).toBe(result.commit);
    const verified = await verifyCommit(fresh.commit, [signing.publicKey]);
    const signer = await openpgp.readKey({ armoredKey: signing.publicKey });
    expect(verified.fingerprint).toBe(signer.getFingerprint());
    await expect(verifyCommit(fresh.commit, [stranger.publicKey])).rejects.toMatchObject({
      code: 'VerificationFailed',
    });
    const tampered = {
      ...fresh.commit,
      payload: fresh.commit.payload.replace('Signed change', 'Evil change'),
    };
    await expect(verifyCommit(tampered, [signing.publicKey])).rejects.toMatchObject({
      code: 'VerificationFailed',
    });
  });

  it('reports an unsigned commit as unverifiable', async () => {
    await http.createRepo('unsigned', { files: { 'a.txt': 'a\n' } });
    const result = (await checkout({
      url: http.repoUrl('unsigned'),
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: { username: 'u', password: 'p' },
    })) as CheckoutChanged;
    await expect(verifyCommit(result.commit, [signing.publicKey])).rejects.toMatchObject({
      code: 'VerificationFailed',
      message: expect.stringContaining('is not signed'),
    });
  });

  it('verifies a signed annotated tag reached through a tag checkout', async () => {
    await http.createRepo('tagged', { files: { 'a.txt': 'a\n' } });
    const auth = { username: 'u', password: 'p' };
    const url = http.repoUrl('tagged');
    const dir = freshDir();
    const head = (await checkout({ url, ref: { branch: 'main' }, dir, auth })) as CheckoutChanged;
    await git.annotatedTag({
      fs,
      dir,
      ref: 'v1.0.0',
      object: head.commit.sha,
      message: 'release',
      tagger: author,
      signingKey: signing.privateKey,
      onSign: openpgpSigner({ armoredKey: signing.privateKey, passphrase: 'pass' }),
    });
    const client = createHttpClient();
    await git.push({
      fs,
      http: client,
      dir,
      url,
      ref: 'refs/tags/v1.0.0',
      remoteRef: 'refs/tags/v1.0.0',
      headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
    });
    client.close();
    const tagged = (await checkout({
      url,
      ref: { semver: '^1.0.0' },
      dir: freshDir(),
      auth,
    })) as CheckoutChanged;
    expect(tagged.revision).toBe(`v1.0.0@sha1:${head.commit.sha}`);
    expect(tagged.tag?.signature).toContain('BEGIN PGP SIGNATURE');
    const verified = await verifyTag(tagged.tag as NonNullable<CheckoutChanged['tag']>, [
      stranger.publicKey,
      signing.publicKey,
    ]);
    expect(verified.keyId).toMatch(/^[0-9a-f]{16}$/);
    await expect(
      verifyTag(tagged.tag as NonNullable<CheckoutChanged['tag']>, [stranger.publicKey]),
    ).rejects.toMatchObject({
      code: 'VerificationFailed',
    });
  });

  it('fails with PushRejected when the remote branch moved on', async () => {
    const repo = await http.createRepo('moved', { files: { 'a.txt': 'a\n' } });
    const auth = { username: 'u', password: 'p' };
    const url = http.repoUrl('moved');
    const dir = freshDir();
    await checkout({ url, ref: { branch: 'main' }, dir, auth });
    await commitFiles({ repoPath: repo.path, files: { 'other.txt': 'o\n' } });
    await expect(
      commitAndPush({
        dir,
        url,
        auth,
        branch: 'main',
        author,
        message: 'late',
        files: { 'a.txt': 'late\n' },
      }),
    ).rejects.toMatchObject({ code: 'PushRejected' });
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('late\n');
  });
});
