// Flux's storage layout: `<kind-lowercase>/<namespace>/<name>/<file>` (spec README "Artifact object").
import { InvalidArtifactPathError } from './errors.js';

/** The Flux object an artifact belongs to. `kind` is the API kind, e.g. 'GitRepository'. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Stable per-object alias names; garbage collection never deletes them. */
export const STABLE_ALIAS_NAMES: readonly string[] = ['latest.tar.gz', 'index.yaml'];

/** `<kind-lowercase>/<namespace>/<name>/` (with the trailing slash). */
export function objectDirectory(ref: ObjectRef): string {
  const segments = [ref.kind.toLowerCase(), ref.namespace, ref.name];
  const directory = segments.join('/');
  for (const segment of segments) assertSegment(directory, segment);
  return `${validateArtifactPath(directory)}/`;
}

/** The storage path of one artifact file of an object. */
export function artifactPath(ref: ObjectRef, file: string): string {
  const path = `${objectDirectory(ref)}${file}`;
  assertSegment(path, file);
  return path;
}

/** The alias Flux advertises in `status.url`: `index.yaml` for HelmRepository, `latest.tar.gz` otherwise. */
export function stableAliasName(kind: string): string {
  return kind.toLowerCase() === 'helmrepository' ? 'index.yaml' : 'latest.tar.gz';
}

/** Where the stable alias of an object lives; write it with `store.copy(artifact.path, stableAliasPath(ref))`. */
export function stableAliasPath(ref: ObjectRef): string {
  return artifactPath(ref, stableAliasName(ref.kind));
}

/**
 * Rejects paths that could leave the store root or collide with its internal files
 * (top-level names starting with '.' are reserved for temp and metadata files).
 */
export function validateArtifactPath(path: string): string {
  if (path.startsWith('/')) throw new InvalidArtifactPathError(path, 'must be relative');
  const segments = path.split('/');
  for (const segment of segments) assertSegment(path, segment);
  if (segments[0]?.startsWith('.')) {
    throw new InvalidArtifactPathError(path, "the first segment must not start with '.' (reserved)");
  }
  return path;
}

function assertSegment(path: string, segment: string): void {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new InvalidArtifactPathError(path, `segment '${segment}' is empty, '.' or '..'`);
  }
  if (segment.includes('/') || segment.includes('\\') || segment.includes('\0')) {
    throw new InvalidArtifactPathError(path, `segment '${segment}' contains '/', '\\' or NUL`);
  }
}
