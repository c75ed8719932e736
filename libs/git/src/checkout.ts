// checkout(): fetch one ref of a remote into a directory and check its tree out, the way Flux's
// source-controller does — shallow where the ref allows, a no-op when the remote still points at the
// last revision, submodules and sparse checkout on request. An existing checkout in `dir` is reused,
// so a later call fetches only new objects.
import { gitFs as fs } from './fs.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import git from 'isomorphic-git';
import { GitError, GitRefNotFoundError, toGitError } from './errors.js';
import type { ProxyOptions } from './http-client.js';
import { peelToCommit, readCommitInfo, readTagInfo, type CommitInfo, type TagInfo } from './objects.js';
import { formatRevision, selectTarget, type FetchTarget, type GitRefSpec, type RemoteRef } from './refs.js';
import { useNativeZlib } from './native-zlib.js';
import { openRemote, type GitAuth, type Remote } from './remote.js';
import { updateSubmodules } from './submodules.js';
import { onlyRegularFiles, updateFiles, type TreeChange, type TreeEntry } from './update.js';

export interface CheckoutOptions {
  url: string;
  /** What to check out; branch `master` when absent (Flux's default). */
  ref?: GitRefSpec;
  /** Work tree; created when missing, reused (incremental fetch) when it holds an earlier checkout. */
  dir: string;
  auth?: GitAuth;
  proxy?: ProxyOptions;
  /** Depth-1 fetch where the ref allows it (branch, tag, semver, name); true by default. */
  shallow?: boolean;
  /** Check out submodules (recursively) with the same credentials. */
  recurseSubmodules?: boolean;
  /** Only these directories are written (leading `./` stripped). */
  sparseCheckout?: string[];
  /** The revision of the last artifact; when the remote ref still resolves to it nothing is fetched. */
  lastRevision?: string;
  /** Idle timeout per request / SSH handshake; 60 s by default. */
  timeoutMs?: number;
}

export interface CheckoutChanged {
  changed: true;
  /** Flux revision: `<branch|tag|ref name>@sha1:<hex>` or `sha1:<hex>`. */
  revision: string;
  commit: CommitInfo;
  /** The annotated tag object, for tag/semver refs (and `refs/tags/…` names) that are annotated. */
  tag?: TagInfo;
  /** The tag name for tag and semver refs. */
  tagName?: string;
}

export interface CheckoutUnchanged {
  changed: false;
  revision: string;
}

export type CheckoutResult = CheckoutChanged | CheckoutUnchanged;

/** The remote's refs, annotated tags peeled. */
export async function listRemoteRefs(remote: Remote): Promise<RemoteRef[]> {
  const refs = await git.listServerRefs({
    http: remote.http,
    url: remote.url,
    headers: remote.headers,
    protocolVersion: 1,
    peelTags: true,
  });
  return refs.map(({ ref, oid, peeled }) => (peeled ? { ref, oid, peeled } : { ref, oid }));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Initialises `dir`, or returns the commit an earlier checkout left there (its HEAD). */
async function prepareRepository(
  dir: string,
  remote: Remote,
  target: FetchTarget,
): Promise<string | undefined> {
  if (await exists(join(dir, '.git'))) {
    // A checkout that never completed has no HEAD commit (or no index): write everything.
    if (!(await exists(join(dir, '.git', 'index')))) return undefined;
    return git.resolveRef({ fs, dir, ref: 'HEAD' }).catch(() => undefined);
  }
  await git.init({ fs, dir, defaultBranch: target.branch ?? 'main' });
  await git.addRemote({ fs, dir, remote: 'origin', url: remote.display });
  return undefined;
}

async function fetchTarget(
  dir: string,
  remote: Remote,
  target: FetchTarget,
  shallow: boolean,
  cache: object,
) {
  const result = await git.fetch({
    fs,
    http: remote.http,
    dir,
    url: remote.url,
    headers: remote.headers,
    remote: 'origin',
    ref: target.fetchRef,
    singleBranch: target.fetchRef !== undefined,
    depth: shallow && target.shallow ? 1 : undefined,
    tags: false,
    cache,
  });
  // Keeping the fetched ref under its own name lets the next fetch offer it as a "have".
  if (target.fetchRef && result.fetchHead) {
    await git.writeRef({ fs, dir, ref: target.fetchRef, value: result.fetchHead, force: true });
  }
  return result.fetchHead ?? undefined;
}

async function hasCommit(dir: string, oid: string, cache: object): Promise<boolean> {
  try {
    await git.readCommit({ fs, dir, oid, cache });
    return true;
  } catch {
    return false;
  }
}

async function resolveCommit(
  dir: string,
  target: FetchTarget,
  fetched: string | undefined,
  context: { display: string; cache: object },
): Promise<string> {
  const { display, cache } = context;
  if (!target.pinnedCommit) {
    if (!fetched) throw new GitRefNotFoundError(`${target.fetchRef ?? 'HEAD'} not found in ${display}`);
    return peelToCommit(dir, fetched, cache);
  }
  const commit = target.pinnedCommit;
  if (!(await hasCommit(dir, commit, cache))) {
    throw new GitRefNotFoundError(`commit '${commit}' not found in ${display}`);
  }
  if (target.branch === undefined && target.revisionName && fetched && fetched !== commit) {
    const onBranch = await git.isDescendent({ fs, dir, oid: fetched, ancestor: commit, depth: -1, cache });
    if (!onBranch)
      throw new GitRefNotFoundError(
        `commit '${commit}' is not on branch '${target.revisionName}' of ${display}`,
      );
  }
  return commit;
}

function sparsePaths(dirs: string[] | undefined): string[] | undefined {
  if (!dirs || dirs.length === 0) return undefined;
  return dirs
    .map((entry) => entry.replace(/^(\.\/)+/, '').replace(/\/+$/, ''))
    .filter((entry) => entry && entry !== '.');
}

async function treeEntries(dir: string, oid: string, cache: object): Promise<Map<string, TreeEntry>> {
  const { tree } = await git.readTree({ fs, dir, oid, cache });
  return new Map(tree.map((entry) => [entry.path, entry]));
}

/**
 * Paths that differ between two trees (or commits), without descending into identical subtrees, so
 * updating an earlier checkout costs what changed rather than a walk of the whole work tree. A plain
 * comparison of tree entries: isomorphic-git's walk() does the same with far more work per entry.
 */
async function changedPaths(
  dir: string,
  from: string,
  to: string,
  context: { cache: object; prefix?: string },
): Promise<TreeChange[]> {
  const { cache, prefix = '' } = context;
  const [before, after] = await Promise.all([treeEntries(dir, from, cache), treeEntries(dir, to, cache)]);
  const changes: TreeChange[] = [];
  const subtrees: Promise<TreeChange[]>[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const oldEntry = before.get(name);
    const newEntry = after.get(name);
    if (oldEntry?.oid === newEntry?.oid && oldEntry?.mode === newEntry?.mode) continue;
    const path = `${prefix}${name}`;
    if (oldEntry?.type === 'tree' && newEntry?.type === 'tree') {
      subtrees.push(changedPaths(dir, oldEntry.oid, newEntry.oid, { cache, prefix: `${path}/` }));
    } else {
      changes.push({ path, before: oldEntry, after: newEntry });
    }
  }
  return changes.concat(...(await Promise.all(subtrees)));
}

/**
 * The earlier checkout's commit if it was made with the same sparse directories (recorded in the
 * repository's config), else undefined so the whole tree is written again.
 */
async function sameSparseSet(dir: string, sparse: string[] | undefined, previous: string | undefined) {
  const recorded: unknown = await git.getConfig({ fs, dir, path: 'flotilla.sparse' });
  const wanted = JSON.stringify(sparse ?? []);
  if (recorded !== wanted) await git.setConfig({ fs, dir, path: 'flotilla.sparse', value: wanted });
  return recorded === wanted ? previous : undefined;
}

function within(path: string, dirs: string[]): boolean {
  return dirs.some((dir) => path === dir || path.startsWith(`${dir}/`));
}

/**
 * What to write: everything (`all`, the sparse directories or undefined for the whole tree, on a
 * fresh checkout) or the changes since `previous` (none when it is the same commit).
 */
async function whatToWrite(
  dir: string,
  previous: string | undefined,
  commit: string,
  context: { sparse: string[] | undefined; cache: object },
): Promise<{ all: string[] | undefined } | { changes: TreeChange[] }> {
  const { sparse, cache } = context;
  if (!previous) return { all: sparse };
  if (previous === commit) return { changes: [] };
  const changed = await changedPaths(dir, previous, commit, { cache });
  return { changes: sparse ? changed.filter(({ path }) => within(path, sparse)) : changed };
}

async function checkoutTree(
  dir: string,
  target: FetchTarget,
  commit: string,
  context: { previous: string | undefined; sparse: string[] | undefined; cache: object },
) {
  const { cache } = context;
  const toWrite = await whatToWrite(dir, context.previous, commit, context);
  if (target.branch) {
    await git.writeRef({ fs, dir, ref: `refs/heads/${target.branch}`, value: commit, force: true });
    await git.writeRef({
      fs,
      dir,
      ref: 'HEAD',
      value: `refs/heads/${target.branch}`,
      symbolic: true,
      force: true,
    });
  } else {
    await git.writeRef({ fs, dir, ref: 'HEAD', value: commit, force: true });
  }
  if ('changes' in toWrite) {
    // An empty list would mean "everything" to isomorphic-git; nothing changed, nothing to write.
    if (toWrite.changes.length === 0) return;
    if (onlyRegularFiles(toWrite.changes)) return updateFiles(dir, toWrite.changes, cache);
  }
  const filepaths = 'changes' in toWrite ? toWrite.changes.map(({ path }) => path) : toWrite.all;
  await git.checkout({ fs, dir, ref: target.branch ?? commit, force: true, filepaths, cache });
}

async function tagFor(dir: string, target: FetchTarget, fetched: string | undefined, cache: object) {
  if (!target.tag || !fetched) return undefined;
  return readTagInfo(dir, fetched, cache);
}

async function runCheckout(options: CheckoutOptions, remote: Remote, cache: object): Promise<CheckoutResult> {
  const refs = await listRemoteRefs(remote);
  const target = selectTarget(options.ref ?? {}, refs, remote.display);
  if (options.lastRevision && target.commit) {
    const revision = formatRevision(target.revisionName, target.commit);
    if (revision === options.lastRevision) return { changed: false, revision };
  }
  const { dir } = options;
  const sparse = sparsePaths(options.sparseCheckout);
  const previous = await sameSparseSet(dir, sparse, await prepareRepository(dir, remote, target));
  const fetched = await fetchTarget(dir, remote, target, options.shallow ?? true, cache);
  const commitSha = await resolveCommit(dir, target, fetched, { display: remote.display, cache });
  await checkoutTree(dir, target, commitSha, { previous, sparse, cache });
  if (options.recurseSubmodules) {
    await updateSubmodules({
      dir,
      parentUrl: options.url,
      auth: options.auth,
      proxy: options.proxy,
      timeoutMs: options.timeoutMs,
      cache,
      within: sparsePaths(options.sparseCheckout),
      checkout,
    });
  }
  const commit = await readCommitInfo(dir, commitSha, cache);
  const tag = await tagFor(dir, target, fetched, cache);
  const result: CheckoutChanged = {
    changed: true,
    revision: formatRevision(target.revisionName, commitSha),
    commit,
  };
  if (tag) result.tag = tag;
  if (target.tag) result.tagName = target.tag;
  return result;
}

/** Fetches and checks out one ref; see CheckoutOptions. Failures are GitErrors. */
export async function checkout(options: CheckoutOptions): Promise<CheckoutResult> {
  useNativeZlib();
  const remote = openRemote(options);
  const cache = {};
  try {
    return await runCheckout(options, remote, cache);
  } catch (error) {
    throw error instanceof GitError ? error : toGitError(error, remote.display);
  } finally {
    remote.close();
  }
}
