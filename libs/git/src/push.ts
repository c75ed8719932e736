// commitAndPush(): commit changes in a checkout and push them (image automation). Changes are the
// given file writes/deletes plus, unless limited to `paths`, everything else that differs from HEAD.
import { gitFs as fs } from './fs.js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import git from 'isomorphic-git';
import { GitError, toGitError } from './errors.js';
import type { ProxyOptions } from './http-client.js';
import { useNativeZlib } from './native-zlib.js';
import { openRemote, type GitAuth } from './remote.js';
import { openpgpSigner, type SigningKey } from './verify.js';

export interface Identity {
  name: string;
  email: string;
  /** Seconds since the epoch; now when absent. */
  timestamp?: number;
  /** Minutes, isomorphic-git's sign convention (UTC+2 → -120); 0 when absent. */
  timezoneOffset?: number;
}

export interface CommitAndPushOptions {
  /** A checkout made by checkout() (or any work tree with a .git directory). */
  dir: string;
  url: string;
  auth?: GitAuth;
  proxy?: ProxyOptions;
  timeoutMs?: number;
  /** The branch the commit goes on, on top of the current HEAD commit. */
  branch: string;
  /** The remote branch to push to; `branch` by default. */
  pushBranch?: string;
  author: Identity;
  committer?: Identity;
  message: string;
  /** Files to write before committing (path relative to dir → content; null deletes). */
  files?: Record<string, string | Uint8Array | null>;
  /** Stage only these paths (files or directories); every change in the tree when absent. */
  paths?: string[];
  signingKey?: SigningKey;
  /** Push even when it is not a fast-forward. */
  force?: boolean;
}

export interface CommitAndPushResult {
  /** False when nothing differed from HEAD: no commit, no push. */
  changed: boolean;
  commit?: string;
  pushed: boolean;
}

function insidePath(dir: string, path: string): string {
  const relative = normalize(path).replace(/^(\.\/)+/, '');
  if (relative.startsWith('..') || relative.startsWith('/')) {
    throw new GitError('InvalidOptions', `path '${path}' is outside the repository`);
  }
  return join(dir, relative);
}

async function writeFiles(dir: string, files: CommitAndPushOptions['files']): Promise<void> {
  for (const [path, content] of Object.entries(files ?? {})) {
    const target = insidePath(dir, path);
    if (content === null) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/** Stages every change under the paths; returns how many entries differ from HEAD. */
async function stageChanges(dir: string, paths: string[] | undefined): Promise<number> {
  const matrix = await git.statusMatrix({ fs, dir, filepaths: paths });
  let changes = 0;
  for (const [filepath, head, workdir] of matrix) {
    if (workdir === 0 && head === 1) {
      await git.remove({ fs, dir, filepath });
      changes += 1;
    } else if (workdir === 2) {
      await git.add({ fs, dir, filepath });
      changes += 1;
    }
  }
  return changes;
}

function signature(identity: Identity) {
  return {
    name: identity.name,
    email: identity.email,
    timestamp: identity.timestamp ?? Math.floor(Date.now() / 1000),
    timezoneOffset: identity.timezoneOffset ?? 0,
  };
}

async function makeCommit(options: CommitAndPushOptions): Promise<string> {
  const { dir, branch } = options;
  const head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  const commit = await git.commit({
    fs,
    dir,
    message: options.message,
    author: signature(options.author),
    committer: signature(options.committer ?? options.author),
    ref: `refs/heads/${branch}`,
    parent: [head],
    signingKey: options.signingKey?.armoredKey,
    onSign: options.signingKey ? openpgpSigner(options.signingKey) : undefined,
  });
  await git.writeRef({ fs, dir, ref: 'HEAD', value: `refs/heads/${branch}`, symbolic: true, force: true });
  return commit;
}

async function push(options: CommitAndPushOptions): Promise<void> {
  const remote = openRemote(options);
  const remoteRef = `refs/heads/${options.pushBranch ?? options.branch}`;
  try {
    const result = await git.push({
      fs,
      http: remote.http,
      dir: options.dir,
      url: remote.url,
      headers: remote.headers,
      ref: `refs/heads/${options.branch}`,
      remoteRef,
      force: options.force ?? false,
    });
    const refStatus = result.refs[remoteRef];
    if (!result.ok || (refStatus && !refStatus.ok)) {
      throw new GitError(
        'PushRejected',
        `push of ${remoteRef} to ${remote.display} rejected: ${refStatus?.error ?? result.error}`,
      );
    }
  } catch (error) {
    throw error instanceof GitError ? error : pushError(error, remote.display, remoteRef);
  } finally {
    remote.close();
  }
}

function pushError(error: unknown, display: string, remoteRef: string): GitError {
  const code = (error as { code?: string }).code;
  if (code === 'PushRejectedError' || code === 'GitPushError') {
    return new GitError(
      'PushRejected',
      `push of ${remoteRef} to ${display} rejected: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return toGitError(error, display);
}

/** Commits the changes in `dir` onto `branch` and pushes it; a no-op when nothing changed. */
export async function commitAndPush(options: CommitAndPushOptions): Promise<CommitAndPushResult> {
  useNativeZlib();
  await writeFiles(options.dir, options.files);
  const paths = options.paths?.map(
    (path) =>
      normalize(path)
        .replace(/^(\.\/)+/, '')
        .replace(/\/+$/, '') || '.',
  );
  const changes = await stageChanges(options.dir, paths);
  if (changes === 0) return { changed: false, pushed: false };
  const commit = await makeCommit(options);
  await push(options);
  return { changed: true, commit, pushed: true };
}
