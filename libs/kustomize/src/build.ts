// `kustomize build DIR`: accumulate the root target, add generator hash suffixes, rewrite name
// references, sort, add the root's build metadata, print.
import path from 'node:path';
import { accumulate, loadTarget, type AccumulateContext } from './accumulate.js';
import { applyBuildMetadata, buildMetadataOptions, DEFAULT_MANAGED_BY } from './build-metadata.js';
import { KustomizeError } from './errors.js';
import { ConfinedFiles } from './files.js';
import type { HelmChartRenderer } from './helm.js';
import type { LoadedKustomization } from './kustomization.js';
import { contentHash } from './name-hash.js';
import { fixNameReferences } from './name-reference.js';
import { remoteFailed, type RemoteLoader } from './remote.js';
import { nameOf, namespaceOf, setIdentity, type KObject, type Resource } from './resource.js';
import { PendingHook, type BuildState } from './state.js';
import { builtinTransformerConfig } from './transformer-config.js';
import { resolveVars } from './vars.js';
import { LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST, legacySort } from './sort.js';
import { isObject, printObjects } from './yaml-io.js';

export interface BuildOptions {
  /** Files may only be read inside this directory (default: the kustomization directory itself). */
  readonly root?: string;
  /**
   * Fetches remote bases (git URLs) and returns the checkout directory. Without it remote bases
   * fail with REMOTE_DISABLED. A loader answering with a promise needs buildAsync.
   */
  readonly remoteLoader?: RemoteLoader;
  /** `--enable-helm`: allow `helmCharts`, rendered by `helmRenderer`. */
  readonly enableHelm?: boolean;
  readonly helmRenderer?: HelmChartRenderer;
  /** Files larger than this are refused with LIMIT_EXCEEDED (default 64 MiB). */
  readonly maxFileBytes?: number;
  /** Value of the managedByLabel build metadata (default `kustomize-(devel)`, as kubectl and Flux write it). */
  readonly managedBy?: string;
}

export interface BuildResult {
  readonly resources: KObject[];
  readonly yaml: string;
}

/** Builds synchronously; hooks (remote loader, Helm renderer) must answer synchronously. */
export function build(dir: string, options: BuildOptions = {}): BuildResult {
  try {
    return buildOnce(dir, options, new Map());
  } catch (error) {
    if (error instanceof PendingHook) {
      throw new KustomizeError('UNSUPPORTED', `${error.message} (a hook returned a promise)`);
    }
    throw error;
  }
}

/** Hooks may answer asynchronously: each answer is awaited, kept, and the build run again. */
const MAX_HOOK_ROUNDS = 256;

export async function buildAsync(dir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const settled = new Map<string, unknown>();
  for (let round = 0; round < MAX_HOOK_ROUNDS; round += 1) {
    try {
      return buildOnce(dir, options, settled);
    } catch (error) {
      if (!(error instanceof PendingHook)) throw error;
      settled.set(error.key, await settleHook(error));
    }
  }
  throw new KustomizeError('LIMIT_EXCEEDED', `more than ${MAX_HOOK_ROUNDS} remote bases or Helm charts`);
}

async function settleHook(pending: PendingHook): Promise<unknown> {
  try {
    return await pending.promise;
  } catch (error) {
    if (error instanceof KustomizeError) throw error;
    const [kind, ...rest] = pending.key.split(':');
    if (kind === 'remote') throw remoteFailed(rest.join(':').split('#')[0] ?? '', error);
    const why = error instanceof Error ? error.message : String(error);
    throw new KustomizeError('HELM_FAILED', `rendering a Helm chart: ${why}`);
  }
}

function buildOnce(dir: string, options: BuildOptions, settled: Map<string, unknown>): BuildResult {
  const files = new ConfinedFiles(options.root ?? dir, options.maxFileBytes);
  const target = files.resolve(files.root, path.relative(files.root, path.resolve(dir)));
  const stub: AccumulateContext = {
    files,
    state: newState(files, target, options, settled, false),
    stack: [],
  };
  const loaded = loadTarget(stub, target);
  const metadata = buildMetadataOptions(loaded, files.relative(loaded.file));
  const state = newState(files, target, options, settled, metadata.has('transformerAnnotations'));
  const config = builtinTransformerConfig();
  const accumulated = accumulate({ files, state, stack: [] }, loaded, [], config);
  addHashSuffixes(accumulated);
  fixNameReferences(accumulated, config.nameReference);
  resolveVars(accumulated, config.vars, config.varReference);
  const sorted = sortResources(loaded, accumulated);
  applyBuildMetadata(sorted, metadata, options.managedBy ?? DEFAULT_MANAGED_BY);
  const resources = sorted.map((resource) => dropEmptyAnnotations(resource.object));
  return { resources, yaml: printObjects(resources) };
}

/**
 * Go kustomize adds and then clears its internal annotations on every resource it reads, and
 * clearing the last one removes the field: an empty or null `metadata.annotations` never reaches
 * the output (empty labels do).
 */
function dropEmptyAnnotations<T>(object: T): T {
  const metadata = (object as { metadata?: Record<string, unknown> }).metadata;
  if (metadata === null || typeof metadata !== 'object' || !('annotations' in metadata)) return object;
  const annotations = metadata.annotations;
  const empty =
    annotations === null ||
    (typeof annotations === 'object' && !Array.isArray(annotations) && Object.keys(annotations).length === 0);
  if (empty) delete metadata.annotations;
  return object;
}

function newState(
  files: ConfinedFiles,
  rootDir: string,
  options: BuildOptions,
  settled: Map<string, unknown>,
  trackTransformers: boolean,
): BuildState {
  return {
    files,
    rootDir,
    trackTransformers,
    remoteLoader: options.remoteLoader,
    remoteRoots: new Map(),
    enableHelm: options.enableHelm === true,
    helmRenderer: options.helmRenderer,
    settled,
  };
}

function addHashSuffixes(resources: readonly Resource[]): void {
  for (const resource of resources) {
    if (resource.generated?.hashSuffix !== true) continue;
    const name = `${nameOf(resource.object)}-${contentHash(resource.object)}`;
    setIdentity(resource, namespaceOf(resource.object), name);
  }
}

function sortResources(loaded: LoadedKustomization, resources: Resource[]): Resource[] {
  const sortOptions = loaded.kustomization['sortOptions'];
  if (!isObject(sortOptions)) return legacySort(resources);
  if (sortOptions['order'] === 'fifo') return resources;
  const legacy = isObject(sortOptions['legacySortOptions']) ? sortOptions['legacySortOptions'] : {};
  const list = (value: unknown, fallback: readonly string[]): readonly string[] =>
    Array.isArray(value) ? value.map(String) : fallback;
  return legacySort(resources, {
    orderFirst: list(legacy['orderFirst'], LEGACY_ORDER_FIRST),
    orderLast: list(legacy['orderLast'], LEGACY_ORDER_LAST),
  });
}
