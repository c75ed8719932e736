import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHttpServer, type RunningGitHttpServer } from './git-http.js';
import { commitFiles, createBranch, createTag, GitCommandError, resolveRef, runGit } from './git-repos.js';
import { tempDirPerTest } from './test-support/temp-dirs.js';

function pktLine(text: string): string {
  return (text.length + 4).toString(16).padStart(4, '0') + text;
}

const workDir = tempDirPerTest('git-http-client');

describe('startGitHttpServer without auth', () => {
  let server: RunningGitHttpServer;
  beforeAll(async () => {
    server = await startGitHttpServer();
  });
  afterAll(async () => server?.stop());

  it('clones, commits and pushes with the git CLI', async () => {
    const repo = await server.createRepo('app', {
      files: { 'README.md': '# app\n', 'deploy/cm.yaml': 'kind: ConfigMap\n' },
    });
    expect(server.repoUrl('app')).toBe(`${server.url}/app.git`);
    const clone = join(await workDir(), 'app');
    await runGit(['clone', '--quiet', server.repoUrl('app'), clone]);
    expect(await readFile(join(clone, 'deploy/cm.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: clone })).trim()).toBe(repo.commit);

    await writeFile(join(clone, 'new.txt'), 'pushed over http\n');
    await runGit(['add', 'new.txt'], { cwd: clone });
    await runGit(['commit', '--quiet', '-m', 'add new.txt'], { cwd: clone });
    const pushed = (await runGit(['rev-parse', 'HEAD'], { cwd: clone })).trim();
    await runGit(['push', '--quiet', 'origin', 'main'], { cwd: clone });
    expect(await resolveRef(repo.path, 'main')).toBe(pushed);
    expect(server.requests().some((r) => r.path.includes('git-receive-pack') && r.status === 200)).toBe(true);
  });

  it('creates deterministic commits, branches and tags that clients see', async () => {
    const first = await server.createRepo('one', { files: { 'a.txt': 'same\n' } });
    const second = await server.createRepo('two', { files: { 'a.txt': 'same\n' } });
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(second.commit).toBe(first.commit);

    const next = await commitFiles({ repoPath: first.path, files: { 'b.txt': 'b\n' }, message: 'add b' });
    await createBranch({ repoPath: first.path, name: 'release', from: first.commit });
    await createTag({ repoPath: first.path, name: 'v1.0.0', message: 'release 1.0.0' });
    await createTag({ repoPath: first.path, name: 'light', ref: 'release' });
    const remote = await runGit(['ls-remote', server.repoUrl('one')]);
    expect(remote).toContain(`${next}\trefs/heads/main`);
    expect(remote).toContain(`${first.commit}\trefs/heads/release`);
    expect(remote).toContain(`${next}\trefs/tags/v1.0.0^{}`);
    expect(remote).toContain(`${first.commit}\trefs/tags/light`);

    const clone = join(await workDir(), 'one');
    await runGit(['clone', '--quiet', '--branch', 'v1.0.0', server.repoUrl('one'), clone]);
    expect(await readFile(join(clone, 'b.txt'), 'utf8')).toBe('b\n');
  });

  it('speaks protocol v2 when the client sends Git-Protocol, and v0 otherwise', async () => {
    await server.createRepo('proto', { files: { 'x.txt': 'x\n' } });
    const refsUrl = `${server.repoUrl('proto')}/info/refs?service=git-upload-pack`;
    const v2 = await fetch(refsUrl, { headers: { 'Git-Protocol': 'version=2' } });
    expect(v2.status).toBe(200);
    expect(v2.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    const v2Body = await v2.text();
    expect(v2Body).toContain('version 2');
    expect(v2Body).toContain('ls-refs');

    const v0Body = await (await fetch(refsUrl)).text();
    expect(v0Body).not.toContain('version 2');
    expect(v0Body).toContain('refs/heads/main');
  });

  it('accepts a gzip-encoded request body', async () => {
    const repo = await server.createRepo('gz', { files: { 'x.txt': 'x\n' } });
    const request = pktLine('command=ls-refs\n') + '0001' + pktLine('peel\n') + '0000';
    const response = await fetch(`${server.repoUrl('gz')}/git-upload-pack`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-git-upload-pack-request',
        'Content-Encoding': 'gzip',
        'Git-Protocol': 'version=2',
      },
      body: gzipSync(request),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`${repo.commit} refs/heads/main`);
  });

  it('answers 404 (from the CGI Status header) for a repository that does not exist', async () => {
    const response = await fetch(`${server.url}/missing.git/info/refs?service=git-upload-pack`);
    expect(response.status).toBe(404);
  });
});

describe('startGitHttpServer with basic auth', () => {
  let server: RunningGitHttpServer;
  beforeAll(async () => {
    server = await startGitHttpServer({ auth: { username: 'flux', password: 'p@ss word' } });
  });
  afterAll(async () => server?.stop());

  it('challenges requests without credentials', async () => {
    await server.createRepo('private', { files: { 'x.txt': 'x\n' } });
    const response = await fetch(`${server.repoUrl('private')}/info/refs?service=git-upload-pack`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="flotilla-git"');
  });

  it('clones and pushes with the right password', async () => {
    const repo = await server.createRepo('secured', { files: { 'x.txt': 'x\n' } });
    const clone = join(await workDir(), 'secured');
    await runGit(['clone', '--quiet', server.repoUrl('secured', { withCredentials: true }), clone]);
    await writeFile(join(clone, 'y.txt'), 'y\n');
    await runGit(['add', 'y.txt'], { cwd: clone });
    await runGit(['commit', '--quiet', '-m', 'add y'], { cwd: clone });
    await runGit(['push', '--quiet', 'origin', 'HEAD:main'], { cwd: clone });
    const pushed = (await runGit(['rev-parse', 'HEAD'], { cwd: clone })).trim();
    expect(await resolveRef(repo.path, 'main')).toBe(pushed);
    expect(
      server
        .requests()
        .filter((r) => r.status === 200)
        .every((r) => r.user === 'flux'),
    ).toBe(true);
  });

  it('refuses a clone with a wrong password', async () => {
    await server.createRepo('guarded', { files: { 'x.txt': 'x\n' } });
    const url = server.repoUrl('guarded').replace('://', '://flux:wrong@');
    const clone = join(await workDir(), 'guarded');
    const failure = await runGit(['clone', '--quiet', url, clone]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GitCommandError);
    expect((failure as GitCommandError).stderr).toMatch(/Authentication failed|401/);
  });

  it('summarises endpoint and credentials', () => {
    expect(server.summary()).toBe(
      `git-http    ${server.url}  user=flux  password=p@ss word  repos=${server.repoRoot}`,
    );
  });
});

describe('startGitHttpServer stop()', () => {
  it('closes the server, removes a repo root it created and can be called again', async () => {
    const server = await startGitHttpServer();
    try {
      await server.createRepo('gone', { files: { 'x.txt': 'x\n' } });
      expect((await runGit(['ls-remote', server.repoUrl('gone')])).length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    await server.stop();
    expect(existsSync(server.repoRoot)).toBe(false);
    await expect(fetch(`${server.url}/gone.git/info/refs?service=git-upload-pack`)).rejects.toThrow();
  });

  it('leaves a repo root it was given in place', async () => {
    const root = await workDir();
    const server = await startGitHttpServer({ repoRoot: root });
    await server.stop();
    expect(existsSync(root)).toBe(true);
  });
});
