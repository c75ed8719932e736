// Remote bases (git URLs in `resources`) fetched with @flotilla/git, as kustomize does with
// `git clone`: `?ref=` is a commit (40 hex), a tag or a branch (kustomize tries it as given, so a
// tag wins over a branch of the same name); no ref means the remote's default branch (HEAD).
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { checkout, GitRefNotFoundError, type GitRefSpec } from '@flotilla/git';
import type { RemoteLoader, RemoteTarget } from '@flotilla/kustomize';

export interface GitRemoteLoaderOptions {
  /** Checkouts go into fresh directories below this one; the caller removes it. */
  workDir: string;
  /** Idle timeout per request; default the remote URL's `?timeout=` (kustomize's 27 s). */
  timeoutMs?: number;
}

/** The refs to try in order: a commit alone, a full ref name alone, else tag then branch. */
export function candidateRefs(ref: string | undefined): GitRefSpec[] {
  if (ref === undefined || ref === '') return [{ name: 'HEAD' }];
  if (/^[0-9a-f]{40}$/i.test(ref)) return [{ commit: ref }];
  if (ref.startsWith('refs/')) return [{ name: ref }];
  return [{ tag: ref }, { branch: ref }];
}

/** scp-like `git@host:org/repo` is what kustomize accepts; libs/git wants `ssh://git@host/org/repo`. */
function cloneUrl(repository: string): string {
  const scp = /^([^@/:]+@[^:/]+):(?!\/)(.*)$/.exec(repository);
  return scp ? `ssh://${scp[1] ?? ''}/${scp[2] ?? ''}` : repository;
}

async function fetchRemote(target: RemoteTarget, options: GitRemoteLoaderOptions): Promise<string> {
  await mkdir(options.workDir, { recursive: true });
  const candidates = candidateRefs(target.ref);
  for (const [index, ref] of candidates.entries()) {
    // A fresh directory per attempt: a failed attempt must not leave a half-initialised repository.
    const dir = await mkdtemp(path.join(options.workDir, 'remote-'));
    try {
      await checkout({
        url: cloneUrl(target.repository),
        ref,
        dir,
        recurseSubmodules: target.submodules,
        timeoutMs: options.timeoutMs ?? target.timeoutSeconds * 1000,
      });
      return dir;
    } catch (error) {
      const more = index < candidates.length - 1;
      if (!(more && error instanceof GitRefNotFoundError)) throw error;
    }
  }
  // candidateRefs never returns an empty list; kept for the type checker.
  throw new GitRefNotFoundError(`ref '${target.ref ?? 'HEAD'}' not found in ${target.repository}`);
}

/**
 * A RemoteLoader for @flotilla/kustomize's buildAsync. One loader instance fetches each
 * repository and ref once (concurrent requests share the checkout).
 */
export function gitRemoteLoader(options: GitRemoteLoaderOptions): RemoteLoader {
  const checkouts = new Map<string, Promise<string>>();
  return (target) => {
    const key = `${target.repository}#${target.ref ?? ''}#${String(target.submodules)}`;
    let pending = checkouts.get(key);
    if (pending === undefined) {
      pending = fetchRemote(target, options);
      // A failure is not cached: the next build retries.
      pending.catch(() => checkouts.delete(key));
      checkouts.set(key, pending);
    }
    return pending;
  };
}
