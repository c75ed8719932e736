// Which files of one object directory garbage collection deletes, following Flux's storage GC:
// non-current artifacts older than the TTL go, and in any case at most `keep` artifacts remain
// (the current one always stays). Lock files go with their artifact; stable aliases are not
// artifacts and are never touched.
import type { Logger } from 'pino';
import type { ArtifactGcDefaults } from './config.js';
import { objectDirectory, STABLE_ALIAS_NAMES, type ObjectRef } from './paths.js';

export interface GcOptions {
  /** Artifacts to keep at most, counting the current one (Flux default 2). */
  keep?: number;
  /** Non-current artifacts older than this are deleted (Flux default 1 minute). */
  ttlMs?: number;
  /** Storage path of the current artifact (`status.artifact.path`); never deleted. */
  current?: string;
  /** Reference time for the TTL; defaults to the current time. */
  now?: Date;
}

export interface GcResult {
  /** Storage paths deleted, artifacts before their lock files. */
  readonly deleted: string[];
}

export interface GcCandidate {
  readonly path: string;
  readonly lastUpdateTime: Date;
}

const LOCK_SUFFIX = '.lock';

export function selectGarbage(
  files: readonly GcCandidate[],
  options: Required<Pick<GcOptions, 'keep' | 'ttlMs'>> & Pick<GcOptions, 'current' | 'now'>,
): string[] {
  const now = (options.now ?? new Date()).getTime();
  const isAlias = (path: string) => STABLE_ALIAS_NAMES.includes(path.slice(path.lastIndexOf('/') + 1));
  const artifacts = files
    .filter((file) => !file.path.endsWith(LOCK_SUFFIX) && !isAlias(file.path))
    // Oldest first; equal timestamps (S3 has one-second resolution) fall back to path order.
    .sort((a, b) => a.lastUpdateTime.getTime() - b.lastUpdateTime.getTime() || (a.path < b.path ? -1 : 1));
  const garbage = new Set<string>();
  for (const file of artifacts) {
    if (file.path !== options.current && now - file.lastUpdateTime.getTime() > options.ttlMs)
      garbage.add(file.path);
  }
  for (const file of artifacts) {
    if (artifacts.length - garbage.size <= options.keep) break;
    if (file.path !== options.current) garbage.add(file.path);
  }
  const present = new Set(files.map((file) => file.path));
  const deleted: string[] = [];
  for (const file of artifacts) {
    if (!garbage.has(file.path)) continue;
    deleted.push(file.path);
    if (present.has(file.path + LOCK_SUFFIX)) deleted.push(file.path + LOCK_SUFFIX);
  }
  return deleted;
}

export function validateGcSettings(keep: number, ttlMs: number): void {
  if (!Number.isInteger(keep) || keep < 1)
    throw new RangeError(`gc keep must be an integer >= 1, got ${keep}`);
  if (!Number.isFinite(ttlMs) || ttlMs < 0)
    throw new RangeError(`gc ttlMs must be a number >= 0, got ${ttlMs}`);
}

/** The store operations one garbage collection run needs. */
export interface GcTarget {
  list(ref: ObjectRef): Promise<GcCandidate[]>;
  delete(path: string): Promise<void>;
}

/** One store's gc run: settle options against the store's defaults, delete the garbage, log it. */
export async function collectGarbage(
  store: GcTarget,
  ref: ObjectRef,
  options: GcOptions,
  defaults: ArtifactGcDefaults,
  logger: Logger | undefined,
): Promise<GcResult> {
  const keep = options.keep ?? defaults.keep;
  const ttlMs = options.ttlMs ?? defaults.ttlMs;
  validateGcSettings(keep, ttlMs);
  const deleted = selectGarbage(await store.list(ref), {
    keep,
    ttlMs,
    current: options.current,
    now: options.now,
  });
  for (const path of deleted) await store.delete(path);
  if (deleted.length > 0)
    logger?.info({ object: objectDirectory(ref), deleted }, 'garbage-collected artifacts');
  return { deleted };
}
