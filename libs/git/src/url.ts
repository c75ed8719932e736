// Repository URLs: http(s)://, ssh:// and scp-like user@host:path. Credentials embedded in an HTTP
// URL are taken out (they become Basic auth) so they never reach logs or error messages.
import { GitError } from './errors.js';

export interface HttpGitUrl {
  kind: 'http';
  /** The URL without userinfo, no trailing slash. */
  url: string;
  username?: string;
  password?: string;
}

export interface SshGitUrl {
  kind: 'ssh';
  host: string;
  port: number;
  /** Login user; `git` unless the URL names one (as Flux does). */
  user: string;
  /** The path handed to git-upload-pack: absolute, or relative to the login's home (`~`). */
  path: string;
  /** `ssh://user@host:port/path`, for messages. */
  display: string;
}

export type GitUrl = HttpGitUrl | SshGitUrl;

const SCP_LIKE = /^(?:([^@/]+)@)?([^:/]+|\[[^\]]+\]):(?!\/\/)(.+)$/;

function sshPath(pathname: string): string {
  const decoded = decodeURIComponent(pathname);
  // ssh://host/~user/repo means ~user/repo, as with git.
  return decoded.startsWith('/~') ? decoded.slice(1) : decoded;
}

function parseSsh(parsed: URL, raw: string): SshGitUrl {
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new GitError('InvalidUrl', `invalid ssh URL '${raw}': no host`);
  const port = parsed.port ? Number.parseInt(parsed.port, 10) : 22;
  const user = parsed.username ? decodeURIComponent(parsed.username) : 'git';
  const path = sshPath(parsed.pathname);
  if (!path || path === '/') throw new GitError('InvalidUrl', `invalid ssh URL '${raw}': no repository path`);
  return { kind: 'ssh', host, port, user, path, display: `ssh://${user}@${parsed.host}${parsed.pathname}` };
}

/** Parses a repository URL; throws GitError('InvalidUrl') for anything else. */
export function parseGitUrl(raw: string): GitUrl {
  const scp = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? null : SCP_LIKE.exec(raw);
  if (scp) {
    const [, user = 'git', host = '', path = ''] = scp;
    const bareHost = host.replace(/^\[|\]$/g, '');
    return { kind: 'ssh', host: bareHost, port: 22, user, path, display: `${user}@${host}:${path}` };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new GitError('InvalidUrl', `invalid repository URL '${raw}'`);
  }
  if (parsed.protocol === 'ssh:') return parseSsh(parsed, raw);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GitError(
      'InvalidUrl',
      `unsupported URL scheme '${parsed.protocol}' in '${raw}': use http, https or ssh`,
    );
  }
  const username = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/+$/, '');
  return { kind: 'http', url, username, password };
}

/** The URL for messages: no credentials. */
export function displayUrl(url: GitUrl): string {
  return url.kind === 'http' ? url.url : url.display;
}

/**
 * Resolves a submodule URL against its superproject's URL the way git does: `../x.git` and `./x.git`
 * are relative to the superproject's URL as if it were a directory.
 */
export function resolveSubmoduleUrl(parentUrl: string, submoduleUrl: string): string {
  if (!submoduleUrl.startsWith('./') && !submoduleUrl.startsWith('../')) return submoduleUrl;
  const parsed = parseGitUrl(parentUrl);
  if (parsed.kind === 'http') return new URL(submoduleUrl, `${parsed.url}/`).toString().replace(/\/+$/, '');
  const base = new URL(`ssh://placeholder${parsed.path.startsWith('/') ? '' : '/'}${parsed.path}/`);
  const resolved = new URL(submoduleUrl, base).pathname;
  const port = parsed.port === 22 ? '' : `:${parsed.port}`;
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  return `ssh://${parsed.user}@${host}${port}${resolved}`;
}
