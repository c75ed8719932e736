import { describe, expect, it } from 'vitest';
import { displayUrl, parseGitUrl, resolveSubmoduleUrl } from './index.js';

describe('parseGitUrl', () => {
  it('takes credentials out of http URLs', () => {
    const parsed = parseGitUrl('https://user:p%40ss@example.com/org/repo.git/');
    expect(parsed).toEqual({
      kind: 'http',
      url: 'https://example.com/org/repo.git',
      username: 'user',
      password: 'p@ss',
    });
    expect(displayUrl(parsed)).toBe('https://example.com/org/repo.git');
  });

  it('parses ssh:// URLs with user, port and path; user defaults to git', () => {
    expect(parseGitUrl('ssh://flux@example.com:2222/srv/repo.git')).toMatchObject({
      kind: 'ssh',
      host: 'example.com',
      port: 2222,
      user: 'flux',
      path: '/srv/repo.git',
    });
    expect(parseGitUrl('ssh://example.com/org/repo.git')).toMatchObject({
      user: 'git',
      port: 22,
      path: '/org/repo.git',
    });
    expect(parseGitUrl('ssh://git@example.com/~alice/repo.git')).toMatchObject({ path: '~alice/repo.git' });
    expect(parseGitUrl('ssh://git@[::1]:22/r.git')).toMatchObject({ host: '::1' });
  });

  it('parses scp-like user@host:path', () => {
    expect(parseGitUrl('git@github.com:org/repo.git')).toMatchObject({
      kind: 'ssh',
      host: 'github.com',
      port: 22,
      user: 'git',
      path: 'org/repo.git',
    });
    expect(parseGitUrl('deploy@host:/abs/repo.git')).toMatchObject({ user: 'deploy', path: '/abs/repo.git' });
  });

  it('rejects other schemes and garbage', () => {
    expect(() => parseGitUrl('ftp://example.com/r.git')).toThrow(/unsupported URL scheme/);
    expect(() => parseGitUrl('not a url')).toThrow(/invalid repository URL/);
    expect(() => parseGitUrl('ssh://example.com')).toThrow(/no repository path/);
  });
});

describe('resolveSubmoduleUrl', () => {
  it('resolves relative URLs against the superproject like git', () => {
    expect(resolveSubmoduleUrl('https://h/org/parent.git', '../lib.git')).toBe('https://h/org/lib.git');
    expect(resolveSubmoduleUrl('https://h/org/parent.git', './sub.git')).toBe(
      'https://h/org/parent.git/sub.git',
    );
    expect(resolveSubmoduleUrl('ssh://git@h:2222/srv/parent.git', '../lib.git')).toBe(
      'ssh://git@h:2222/srv/lib.git',
    );
    expect(resolveSubmoduleUrl('https://h/org/parent.git', 'https://other/x.git')).toBe(
      'https://other/x.git',
    );
  });
});
