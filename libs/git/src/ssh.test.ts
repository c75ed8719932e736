import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitFiles,
  makeTempDir,
  removeDir,
  startGitSshServer,
  type RunningGitSshServer,
} from '@flotilla/testing';
import { checkout, knownHostKeys, type CheckoutChanged, type GitAuth } from './index.js';

const execFileAsync = promisify(execFile);

let server: RunningGitSshServer;
let work: string;
let commit: string;
let counter = 0;

function freshDir(): string {
  counter += 1;
  return join(work, `ssh-${counter}`);
}

function auth(overrides: Partial<GitAuth> = {}): GitAuth {
  return { identity: server.clientKey.privateKey, knownHosts: server.knownHosts, ...overrides };
}

async function keygen(
  type: string,
  path: string,
  passphrase = '',
): Promise<{ privateKey: string; publicKey: string }> {
  await execFileAsync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'test', '-f', path]);
  return {
    privateKey: await readFile(path, 'utf8'),
    publicKey: (await readFile(`${path}.pub`, 'utf8')).split(/\s+/).slice(0, 2).join(' '),
  };
}

beforeAll(async () => {
  server = await startGitSshServer();
  work = await makeTempDir('git-ssh-test');
  const repo = await server.createRepo('app', { files: { 'app.yaml': 'kind: App\n' } });
  commit = repo.commit as string;
});

afterAll(async () => {
  await server?.stop();
  if (work) await removeDir(work);
});

describe('checkout over SSH', () => {
  it('clones with an ed25519 key after checking the host key', async () => {
    const dir = freshDir();
    const result = (await checkout({
      url: server.repoUrl('app'),
      ref: { branch: 'main' },
      dir,
      auth: auth(),
    })) as CheckoutChanged;
    expect(result.revision).toBe(`main@sha1:${commit}`);
    expect(await readFile(join(dir, 'app.yaml'), 'utf8')).toBe('kind: App\n');
  });

  it('clones with a PEM RSA key and an RSA host key entry', async () => {
    const knownHosts = `[127.0.0.1]:${server.port} ${server.hostRsaPublicKey}\n`;
    const result = await checkout({
      url: server.repoUrl('app'),
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: auth({ identity: server.clientRsaKey.privateKey, knownHosts }),
    });
    expect(result.revision).toBe(`main@sha1:${commit}`);
  });

  it('accepts hashed known_hosts entries', async () => {
    const path = join(work, 'known_hosts_hashed');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, server.knownHosts + '\n');
    await execFileAsync('ssh-keygen', ['-H', '-f', path]);
    const hashed = await readFile(path, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(knownHostKeys(hashed, '127.0.0.1', server.port)).toHaveLength(1);
    const result = await checkout({
      url: server.repoUrl('app'),
      dir: freshDir(),
      ref: { branch: 'main' },
      auth: auth({ knownHosts: hashed }),
    });
    expect(result.revision).toBe(`main@sha1:${commit}`);
  });

  it('fails on a host key mismatch', async () => {
    const other = await keygen('ed25519', join(work, 'other_host_key'));
    const knownHosts = `[127.0.0.1]:${server.port} ${other.publicKey}\n`;
    await expect(
      checkout({
        url: server.repoUrl('app'),
        dir: freshDir(),
        ref: { branch: 'main' },
        auth: auth({ knownHosts }),
      }),
    ).rejects.toMatchObject({
      code: 'HostKeyMismatch',
      message: expect.stringContaining('host key mismatch'),
    });
  });

  it('fails for a host known_hosts does not list', async () => {
    const knownHosts = `[127.0.0.1]:1 ${server.hostPublicKey}\nexample.com ${server.hostPublicKey}\n`;
    await expect(
      checkout({
        url: server.repoUrl('app'),
        dir: freshDir(),
        ref: { branch: 'main' },
        auth: auth({ knownHosts }),
      }),
    ).rejects.toMatchObject({ code: 'UnknownHost', message: expect.stringContaining('not in known_hosts') });
  });

  it('fails with an auth error for a key the server does not accept', async () => {
    const stranger = await keygen('ed25519', join(work, 'stranger'));
    await expect(
      checkout({
        url: server.repoUrl('app'),
        dir: freshDir(),
        ref: { branch: 'main' },
        auth: auth({ identity: stranger.privateKey }),
      }),
    ).rejects.toMatchObject({ code: 'AuthenticationFailed' });
  });

  it('uses an encrypted key with its passphrase and rejects a wrong one', async () => {
    const encrypted = await keygen('ed25519', join(work, 'encrypted'), 's3cret');
    // Not authorised on the server: a correct passphrase gets as far as user authentication.
    await expect(
      checkout({
        url: server.repoUrl('app'),
        dir: freshDir(),
        auth: auth({ identity: encrypted.privateKey, password: 'wrong' }),
      }),
    ).rejects.toMatchObject({
      code: 'AuthenticationFailed',
      message: expect.stringContaining('invalid SSH private key'),
    });
    await expect(
      checkout({
        url: server.repoUrl('app'),
        dir: freshDir(),
        auth: auth({ identity: encrypted.privateKey, password: 's3cret' }),
      }),
    ).rejects.toMatchObject({
      code: 'AuthenticationFailed',
      message: expect.stringContaining('rejected the private key'),
    });
  });

  it('fetches incrementally into an earlier checkout (haves over the stateful protocol)', async () => {
    const repo = await server.createRepo('incremental', { files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const url = server.repoUrl('incremental');
    const dir = freshDir();
    await checkout({ url, ref: { branch: 'main' }, dir, auth: auth(), shallow: false });
    const next = await commitFiles({ repoPath: repo.path, files: { 'a.txt': 'a2\n' }, remove: ['b.txt'] });
    const result = (await checkout({
      url,
      ref: { branch: 'main' },
      dir,
      auth: auth(),
      shallow: false,
    })) as CheckoutChanged;
    expect(result.commit.sha).toBe(next);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('a2\n');
    await expect(readFile(join(dir, 'b.txt'), 'utf8')).rejects.toThrow();
  });

  it('reports a missing repository', async () => {
    await expect(
      checkout({ url: server.repoUrl('missing'), dir: freshDir(), ref: { branch: 'main' }, auth: auth() }),
    ).rejects.toMatchObject({ code: 'RepositoryNotFound' });
  });
});
