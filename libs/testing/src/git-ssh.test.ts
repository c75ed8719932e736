import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type RunningGitHttpServer } from './git-http.js';
import { startGitSshServer, knownHostsLine, type RunningGitSshServer } from './git-ssh.js';
import { GitCommandError, resolveRef, runGit } from './git-repos.js';
import { tempDirPerTest } from './test-support/temp-dirs.js';

const workDir = tempDirPerTest('git-ssh-client');

async function failureOf(promise: Promise<unknown>): Promise<GitCommandError> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(GitCommandError);
  return failure as GitCommandError;
}

describe('startGitSshServer', () => {
  let server: RunningGitSshServer;
  let http: RunningGitHttpServer;
  beforeAll(async () => {
    server = await startGitSshServer();
    http = await startGitHttpServer({ repoRoot: server.repoRoot });
  });
  afterAll(async () => {
    await http?.stop();
    await server?.stop();
  });

  it('exposes keys and a known_hosts line for the host key', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.knownHosts).toBe(`[127.0.0.1]:${server.port} ${server.hostPublicKey}`);
    expect(server.hostPublicKey).toMatch(/^ssh-ed25519 AAAA\S+$/);
    expect(server.hostRsaPublicKey).toMatch(/^ssh-rsa AAAA\S+$/);
    expect(server.clientKey.privateKey).toContain('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(server.clientRsaKey.privateKey).toContain('-----BEGIN RSA PRIVATE KEY-----');
    expect(server.repoUrl('app')).toBe(
      `ssh://${server.user}@127.0.0.1:${server.port}${server.repoRoot}/app.git`,
    );
  });

  it('clones and pushes over ssh with strict host key checking', async () => {
    const repo = await server.createRepo('app', { files: { 'kustomization.yaml': 'resources: []\n' } });
    const env = { GIT_SSH_COMMAND: server.sshCommand() };
    const clone = join(await workDir(), 'app');
    await runGit(['clone', '--quiet', server.repoUrl('app'), clone], { env });
    expect(await readFile(join(clone, 'kustomization.yaml'), 'utf8')).toBe('resources: []\n');

    await writeFile(join(clone, 'pushed.txt'), 'over ssh\n');
    await runGit(['add', 'pushed.txt'], { cwd: clone });
    await runGit(['commit', '--quiet', '-m', 'push over ssh'], { cwd: clone });
    await runGit(['push', '--quiet', 'origin', 'main'], { cwd: clone, env });
    const pushed = (await runGit(['rev-parse', 'HEAD'], { cwd: clone })).trim();
    expect(pushed).not.toBe(repo.commit);
    expect(await resolveRef(repo.path, 'main')).toBe(pushed);

    // The same repository, served over HTTP from the shared root, has the pushed commit.
    expect(await runGit(['ls-remote', http.repoUrl('app'), 'refs/heads/main'])).toBe(
      `${pushed}\trefs/heads/main\n`,
    );
  });

  it('negotiates protocol v2 over ssh', async () => {
    await server.createRepo('v2', { files: { 'x.txt': 'x\n' } });
    const trace = join(await workDir(), 'packet-trace');
    await runGit(['-c', 'protocol.version=2', 'ls-remote', server.repoUrl('v2')], {
      env: { GIT_SSH_COMMAND: server.sshCommand(), GIT_TRACE_PACKET: trace },
    });
    expect(await readFile(trace, 'utf8')).toMatch(/< version 2/);
  });

  it('accepts the PEM RSA client key', async () => {
    const repo = await server.createRepo('rsa', { files: { 'x.txt': 'x\n' } });
    const refs = await runGit(['ls-remote', server.repoUrl('rsa'), 'refs/heads/main'], {
      env: { GIT_SSH_COMMAND: server.sshCommand({ privateKeyPath: server.clientRsaKey.privateKeyPath }) },
    });
    expect(refs).toBe(`${repo.commit}\trefs/heads/main\n`);
  });

  it('fails the clone when known_hosts holds a different host key', async () => {
    await server.createRepo('pinned', { files: { 'x.txt': 'x\n' } });
    const dir = await workDir();
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'impostor')]);
    const impostor = (await readFile(join(dir, 'impostor.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const wrongKnownHosts = join(dir, 'known_hosts');
    await writeFile(wrongKnownHosts, `${knownHostsLine(server.port, impostor)}\n`);
    const failure = await failureOf(
      runGit(['clone', '--quiet', server.repoUrl('pinned'), join(dir, 'clone')], {
        env: { GIT_SSH_COMMAND: server.sshCommand({ knownHostsPath: wrongKnownHosts }) },
      }),
    );
    expect(failure.stderr).toMatch(/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/);
  });

  it('refuses a client key that is not authorised', async () => {
    await server.createRepo('locked', { files: { 'x.txt': 'x\n' } });
    const dir = await workDir();
    await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'stranger')]);
    const failure = await failureOf(
      runGit(['ls-remote', server.repoUrl('locked')], {
        env: { GIT_SSH_COMMAND: server.sshCommand({ privateKeyPath: join(dir, 'stranger') }) },
      }),
    );
    expect(failure.stderr).toMatch(/Permission denied \(publickey\)/);
  });

  it('summarises endpoint, key and known_hosts', () => {
    expect(server.summary()).toBe(
      `git-ssh     ${server.url}  user=${server.user}  key=${server.clientKey.privateKeyPath}  ` +
        `known_hosts=${server.knownHostsPath}  repos=${server.repoRoot}`,
    );
  });
});

describe('startGitSshServer stop()', () => {
  it('stops sshd, removes its keys and repos and can be called again', async () => {
    const server = await startGitSshServer();
    try {
      expect(existsSync(server.clientKey.privateKeyPath)).toBe(true);
    } finally {
      await server.stop();
    }
    await server.stop();
    expect(existsSync(server.clientKey.privateKeyPath)).toBe(false);
    expect(existsSync(server.repoRoot)).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(server.port, server.host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
