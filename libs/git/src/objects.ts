// Commit and tag metadata as the library reports it, with the signed payload kept so signatures can
// be verified later without the repository.
import { gitFs as fs } from './fs.js';
import git from 'isomorphic-git';

export interface GitSignature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** Minutes, as isomorphic-git reports it (UTC+2 → -120). */
  timezoneOffset: number;
}

export interface CommitInfo {
  sha: string;
  message: string;
  parents: string[];
  tree: string;
  author: GitSignature;
  committer: GitSignature;
  /** ASCII-armored signature (`gpgsig` header), when the commit is signed. */
  signature?: string;
  /** The exact bytes the signature covers (the commit object without `gpgsig`). */
  payload: string;
}

export interface TagInfo {
  /** The tag object id. */
  sha: string;
  name: string;
  /** The commit the tag points at. */
  target: string;
  message: string;
  tagger?: GitSignature;
  /** ASCII-armored signature at the end of the tag message, when signed. */
  signature?: string;
  /** The exact bytes the signature covers. */
  payload: string;
}

export async function readCommitInfo(dir: string, sha: string, cache: object): Promise<CommitInfo> {
  const { oid, commit, payload } = await git.readCommit({ fs, dir, oid: sha, cache });
  return {
    sha: oid,
    message: commit.message,
    parents: commit.parent,
    tree: commit.tree,
    author: commit.author,
    committer: commit.committer,
    signature: commit.gpgsig || undefined,
    payload,
  };
}

/** The annotated tag object `oid`, or undefined when it is a commit (a lightweight tag). */
export async function readTagInfo(dir: string, oid: string, cache: object): Promise<TagInfo | undefined> {
  const { type } = await git.readObject({ fs, dir, oid, cache, format: 'content' });
  if (type !== 'tag') return undefined;
  const { tag, payload } = await git.readTag({ fs, dir, oid, cache });
  return {
    sha: oid,
    name: tag.tag,
    target: tag.object,
    message: tag.message,
    tagger: tag.tagger,
    signature: tag.gpgsig || undefined,
    payload,
  };
}

/** Follows annotated tags down to the commit. */
export async function peelToCommit(dir: string, oid: string, cache: object): Promise<string> {
  let current = oid;
  for (let depth = 0; depth < 10; depth += 1) {
    const tag = await readTagInfo(dir, current, cache);
    if (!tag) return current;
    current = tag.target;
  }
  return current;
}
