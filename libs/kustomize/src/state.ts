// What one build shares across every kustomization it reads: the confined files, the root
// kustomization directory (origin paths are relative to it), which build metadata the root asks
// for, and the hooks for remote bases and Helm charts with the results they already produced.
import path from 'node:path';
import type { ConfinedFiles } from './files.js';
import type { HelmChartRenderer } from './helm.js';
import type { RemoteLoader, RemoteTarget } from './remote.js';
import type { Resource, TransformerRecord } from './resource.js';

export interface BuildState {
  readonly files: ConfinedFiles;
  /** The root kustomization's directory. */
  readonly rootDir: string;
  readonly trackTransformers: boolean;
  readonly remoteLoader: RemoteLoader | undefined;
  /** Checkouts of remote bases by their real directory. */
  readonly remoteRoots: Map<string, RemoteTarget>;
  readonly enableHelm: boolean;
  readonly helmRenderer: HelmChartRenderer | undefined;
  /** Results of asynchronous hooks by key, filled in by buildAsync between attempts. */
  readonly settled: Map<string, unknown>;
}

/**
 * Thrown out of the synchronous core when a hook answered with a promise: buildAsync awaits it,
 * stores the result under `key` and builds again (a build is deterministic, so the retry reaches
 * the same point and finds the result).
 */
export class PendingHook extends Error {
  constructor(
    readonly key: string,
    readonly promise: Promise<unknown>,
  ) {
    super(`hook '${key}' answered asynchronously; use buildAsync`);
    this.name = 'PendingHook';
  }
}

/** Calls a hook once per key and build, or returns the result buildAsync stored for it. */
export function callHook<T>(state: BuildState, key: string, call: () => T | Promise<T>): T {
  if (state.settled.has(key)) return state.settled.get(key) as T;
  const result = call();
  if (isPromiseLike(result)) {
    const promise = Promise.resolve(result);
    // build() abandons the promise; keep its rejection from becoming an unhandled one.
    promise.catch(() => undefined);
    throw new PendingHook(key, promise);
  }
  state.settled.set(key, result);
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A path as kustomize writes it in origin and transformation annotations: relative to the root. */
export function originPath(state: BuildState, file: string): string {
  return path.relative(state.rootDir, file).split(path.sep).join('/');
}

/** Notes that a transformer ran over every resource present (only when the root asks for it). */
export function recordTransformer(
  state: BuildState,
  resources: readonly Resource[],
  record: TransformerRecord,
): void {
  if (!state.trackTransformers) return;
  for (const resource of resources) (resource.transformations ??= []).push(record);
}

export function builtinRecord(configuredIn: string, kind: string): TransformerRecord {
  return { configuredIn, configuredBy: { apiVersion: 'builtin', kind } };
}
