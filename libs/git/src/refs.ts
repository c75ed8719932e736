// Which remote ref to fetch for a GitRepository `ref`, and the revision string Flux reports for it.
// Precedence as in Flux: commit > name > semver > tag > branch; no ref at all means branch `master`.
import semver from 'semver';
import { GitError, GitRefNotFoundError } from './errors.js';

export interface GitRefSpec {
  branch?: string;
  tag?: string;
  /** Masterminds-style range over the tags, e.g. `>=1.0.0 <2.0.0`, `~1.2`, `>= 1.0, < 2.0`. */
  semver?: string;
  /** A full ref name: `refs/heads/main`, `refs/tags/v1`, `refs/pull/1/head`, … */
  name?: string;
  /** A 40-hex commit; alone or with `branch` (then it must be on that branch). */
  commit?: string;
}

export interface RemoteRef {
  /** Full ref name. */
  ref: string;
  /** What the ref points at (a tag object for annotated tags). */
  oid: string;
  /** For annotated tags: the commit the tag peels to. */
  peeled?: string;
}

export interface FetchTarget {
  /** The full ref to fetch; undefined fetches every branch (a commit given alone). */
  fetchRef?: string;
  /** Depth 1 is possible (branch, tag, name); commits need history. */
  shallow: boolean;
  /** The commit the remote ref points at, when the listing tells (annotated tags peeled). */
  commit?: string;
  /** The text before `@sha1:` in the revision; undefined for a lone commit (`sha1:<hex>`). */
  revisionName?: string;
  /** For branch checkouts: the local branch to create. */
  branch?: string;
  /** The tag name for tag and semver refs (and `refs/tags/…` names). */
  tag?: string;
  /** The commit the spec pins (commit refs). */
  pinnedCommit?: string;
}

/** Flux's revision string: `<name>@sha1:<hex>` or `sha1:<hex>`. */
export function formatRevision(revisionName: string | undefined, commit: string): string {
  return revisionName ? `${revisionName}@sha1:${commit}` : `sha1:${commit}`;
}

function shortName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

/** A tag parsed leniently like Flux: optional `v`, leading zeros allowed, exactly three parts. */
export function parseTagVersion(tag: string): semver.SemVer | undefined {
  const bare = tag.replace(/^[vV]/, '');
  if (!/^\d+\.\d+\.\d+([-+].*)?$/.test(bare)) return undefined;
  return semver.parse(bare, { loose: true }) ?? undefined;
}

/**
 * The highest tag matching a Masterminds-style range. Prereleases only match when the range itself
 * names a prerelease (e.g. `>=1.0.0-0`), as with Masterminds/semver.
 */
export function selectSemverTag(range: string, tags: string[]): string | undefined {
  const normalised = range.replace(/,/g, ' ').trim();
  const includePrerelease = /\d-[0-9A-Za-z]/.test(normalised);
  const valid = semver.validRange(normalised, { loose: true, includePrerelease });
  if (valid === null) throw new GitError('InvalidOptions', `invalid semver range '${range}'`);
  let best: { tag: string; version: semver.SemVer } | undefined;
  for (const tag of tags) {
    const version = parseTagVersion(tag);
    if (!version || !semver.satisfies(version, valid, { loose: true, includePrerelease })) continue;
    if (!best || semver.compare(version, best.version) > 0) best = { tag, version };
  }
  return best?.tag;
}

function findRef(refs: RemoteRef[], name: string): RemoteRef | undefined {
  return refs.find((entry) => entry.ref === name);
}

function commitOf(entry: RemoteRef): string {
  return entry.peeled ?? entry.oid;
}

function branchTarget(refs: RemoteRef[], branch: string, display: string): FetchTarget {
  const entry = findRef(refs, `refs/heads/${branch}`);
  if (!entry) throw new GitRefNotFoundError(`branch '${branch}' not found in ${display}`);
  return { fetchRef: entry.ref, shallow: true, commit: entry.oid, revisionName: branch, branch };
}

function tagTarget(refs: RemoteRef[], tag: string, display: string): FetchTarget {
  const entry = findRef(refs, `refs/tags/${tag}`);
  if (!entry) throw new GitRefNotFoundError(`tag '${tag}' not found in ${display}`);
  return { fetchRef: entry.ref, shallow: true, commit: commitOf(entry), revisionName: tag, tag };
}

function nameTarget(refs: RemoteRef[], name: string, display: string): FetchTarget {
  const entry = findRef(refs, name);
  if (!entry) throw new GitRefNotFoundError(`ref '${name}' not found in ${display}`);
  const tag = name.startsWith('refs/tags/') ? shortName(name) : undefined;
  const branch = name.startsWith('refs/heads/') ? shortName(name) : undefined;
  return { fetchRef: entry.ref, shallow: true, commit: commitOf(entry), revisionName: name, tag, branch };
}

function commitTarget(refs: RemoteRef[], spec: GitRefSpec, display: string): FetchTarget {
  const commit = (spec.commit as string).toLowerCase();
  if (!/^[0-9a-f]{40}$/.test(commit)) {
    throw new GitError('InvalidOptions', `commit '${spec.commit}' is not a full 40-hex SHA-1`);
  }
  if (spec.branch) {
    const branch = branchTarget(refs, spec.branch, display);
    return {
      fetchRef: branch.fetchRef,
      shallow: false,
      commit,
      revisionName: spec.branch,
      pinnedCommit: commit,
    };
  }
  return { shallow: false, commit, pinnedCommit: commit };
}

/** Picks the remote ref for a spec from the remote's ref listing. */
export function selectTarget(spec: GitRefSpec, refs: RemoteRef[], display: string): FetchTarget {
  if (spec.commit) return commitTarget(refs, spec, display);
  if (spec.name) return nameTarget(refs, spec.name, display);
  if (spec.semver) {
    const tags = refs
      .filter((entry) => entry.ref.startsWith('refs/tags/'))
      .map((entry) => shortName(entry.ref));
    const tag = selectSemverTag(spec.semver, tags);
    if (!tag) throw new GitRefNotFoundError(`no tag in ${display} matches semver range '${spec.semver}'`);
    return tagTarget(refs, tag, display);
  }
  if (spec.tag) return tagTarget(refs, spec.tag, display);
  return branchTarget(refs, spec.branch ?? 'master', display);
}
