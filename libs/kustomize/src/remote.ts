// Remote bases: kustomize's git URL forms (`https://github.com/org/repo//dir?ref=v1`,
// `github.com/org/repo/dir`, `git@host:org/repo.git/dir`, `ssh://…`, `git::…`, `file://…`),
// fetched by an injected RemoteLoader. Without one, remote bases are disabled, as Flux can
// require; the loader owns cloning (libs/git), the engine only reads the checkout it returns.
import path from 'node:path';
import { KustomizeError } from './errors.js';
import type { Origin } from './resource.js';
import { callHook, originPath, PendingHook, type BuildState } from './state.js';

export interface RemoteTarget {
  /** The reference as the kustomization wrote it. */
  readonly url: string;
  /** What `git clone` takes, e.g. `https://github.com/org/repo.git`. */
  readonly repository: string;
  /** `?ref=` (or `?version=`); undefined: the default branch. */
  readonly ref?: string;
  /** The directory inside the repository ('' for its top). */
  readonly path: string;
  readonly submodules: boolean;
  readonly timeoutSeconds: number;
}

/**
 * Fetches a remote base and returns the local directory holding the whole checkout at the ref.
 * The build then reads only inside that directory.
 */
export type RemoteLoader = (target: RemoteTarget) => string | Promise<string>;

const REMOTE_PREFIX =
  /^(?:git::|https?:\/\/|ssh:\/\/|file:\/\/|git@|github\.com[/:]|gitlab\.com\/|bitbucket\.org\/)/i;

/** References kustomize would fetch over the network rather than read from the build tree. */
export function isRemote(ref: string): boolean {
  return REMOTE_PREFIX.test(ref);
}

const DEFAULT_TIMEOUT_SECONDS = 27;

export function parseRemote(url: string, file: string): RemoteTarget {
  const queryAt = url.indexOf('?');
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  let rest = queryAt < 0 ? url : url.slice(0, queryAt);
  rest = rest.replace(/^git::/i, '');
  const { host, remainder } = splitHost(rest);
  if (host === '' || remainder === '') {
    throw new KustomizeError('INVALID_KUSTOMIZATION', `cannot parse remote base '${url}'`, file);
  }
  const { repo, path } = splitRepoPath(remainder);
  if (repo === '') {
    throw new KustomizeError('INVALID_KUSTOMIZATION', `remote base '${url}' names no repository`, file);
  }
  const ref = query.get('ref') || query.get('version') || undefined;
  const target: RemoteTarget = {
    url,
    repository: `${host}${repo}`,
    path,
    submodules: query.get('submodules') !== 'false',
    timeoutSeconds: parseTimeout(query.get('timeout')),
  };
  return ref === undefined ? target : { ...target, ref };
}

function splitHost(text: string): { host: string; remainder: string } {
  const scheme = /^(https?:\/\/|ssh:\/\/|file:\/\/)([^/]*\/)?/i.exec(text);
  if (scheme !== null) {
    const [whole, prefix = '', authority = ''] = scheme;
    // file:///srv/repo has an empty authority: the whole path is the repository.
    if (prefix.toLowerCase() === 'file://') return { host: 'file://', remainder: text.slice(prefix.length) };
    return { host: `${prefix}${authority}`, remainder: text.slice(whole.length) };
  }
  const scp = /^(git@[^:/]+)[:/]/i.exec(text);
  if (scp !== null) return { host: `${scp[1] ?? ''}:`, remainder: text.slice(scp[0].length) };
  const bare = /^(github\.com|gitlab\.com|bitbucket\.org)[/:]/i.exec(text);
  if (bare !== null) return { host: `https://${bare[1] ?? ''}/`, remainder: text.slice(bare[0].length) };
  return { host: '', remainder: text };
}

/** `org/repo//dir`, `org/repo.git/dir` or (no marker) the first two segments are the repository. */
function splitRepoPath(remainder: string): { repo: string; path: string } {
  const doubleSlash = remainder.indexOf('//');
  if (doubleSlash >= 0) {
    return { repo: remainder.slice(0, doubleSlash), path: trimSlashes(remainder.slice(doubleSlash + 2)) };
  }
  const dotGit = /\.git(?:\/|$)/.exec(remainder);
  if (dotGit !== null) {
    const end = dotGit.index + 4;
    return { repo: remainder.slice(0, end), path: trimSlashes(remainder.slice(end)) };
  }
  if (remainder.startsWith('/')) return { repo: remainder, path: '' };
  const segments = remainder.split('/');
  return { repo: segments.slice(0, 2).join('/'), path: trimSlashes(segments.slice(2).join('/')) };
}

function trimSlashes(text: string): string {
  return text.replace(/^\/+|\/+$/g, '');
}

function parseTimeout(value: string | null): number {
  if (value === null || value === '') return DEFAULT_TIMEOUT_SECONDS;
  const seconds = /^\d+$/.test(value) ? Number(value) : goDurationSeconds(value);
  return seconds !== undefined && seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

function goDurationSeconds(value: string): number | undefined {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  let rest = value;
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (match === null) return undefined;
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 1);
    rest = rest.slice(match[0].length);
  }
  return total;
}

/** Fetches a remote base through the loader (once per repository and ref) and returns its directory. */
export function loadRemote(state: BuildState, url: string, file: string): string {
  const loader = state.remoteLoader;
  if (loader === undefined) {
    throw new KustomizeError('REMOTE_DISABLED', `remote bases are disabled: cannot load '${url}'`, file);
  }
  const target = parseRemote(url, file);
  const key = `remote:${target.repository}#${target.ref ?? ''}#${String(target.submodules)}`;
  let checkout: unknown;
  try {
    checkout = callHook(state, key, () => loader(target));
  } catch (error) {
    if (error instanceof PendingHook || error instanceof KustomizeError) throw error;
    throw remoteFailed(url, error, file);
  }
  if (typeof checkout !== 'string' || checkout === '') {
    throw new KustomizeError('REMOTE_FAILED', `the remote loader returned no directory for '${url}'`, file);
  }
  const root = state.files.addRoot(checkout);
  state.remoteRoots.set(root, target);
  const dir = path.resolve(root, target.path);
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new KustomizeError('OUTSIDE_ROOT', `'${target.path}' is outside the repository of '${url}'`, file);
  }
  return dir;
}

export function remoteFailed(url: string, error: unknown, file?: string): KustomizeError {
  const why = error instanceof Error ? error.message : String(error);
  return new KustomizeError('REMOTE_FAILED', `accumulating remote base '${url}': ${why}`, file);
}

/** Where a resource file came from: its path from the root, or its repository, ref and path there. */
export function fileOrigin(state: BuildState, file: string): Origin {
  for (const [root, target] of state.remoteRoots) {
    const rel = path.relative(root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const origin: Origin = { path: rel.split(path.sep).join('/'), repo: target.repository };
    return target.ref === undefined ? origin : { ...origin, ref: target.ref };
  }
  return { path: originPath(state, file) };
}
