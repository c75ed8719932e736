// The version a HelmChart artifact gets (spec source.md §5): the chart's SemVer, with build
// metadata replacing any existing one — the first 12 hex characters of the source revision for
// reconcileStrategy Revision, then the object's generation when values files are merged.

/** The hex digest part of a source revision (`main@sha1:<hex>`, `sha256:<hex>`). */
export function revisionDigest(revision: string): string {
  return revision.slice(revision.lastIndexOf(':') + 1);
}

export function chartArtifactVersion(
  version: string,
  options: { sourceRevision?: string; generation?: number },
): string {
  const parts: string[] = [];
  if (options.sourceRevision) parts.push(revisionDigest(options.sourceRevision).slice(0, 12));
  if (options.generation !== undefined) parts.push(String(options.generation));
  if (parts.length === 0) return version;
  const plusAt = version.indexOf('+');
  const base = plusAt < 0 ? version : version.slice(0, plusAt);
  return `${base}+${parts.join('.')}`;
}
