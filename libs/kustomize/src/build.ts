// `kustomize build DIR`: accumulate the root target, add generator hash suffixes, rewrite name
// references, sort, print.
import path from 'node:path';
import { accumulate, loadTarget } from './accumulate.js';
import { ConfinedFiles } from './files.js';
import type { LoadedKustomization } from './kustomization.js';
import { contentHash } from './name-hash.js';
import { fixNameReferences } from './name-reference.js';
import { nameOf, namespaceOf, setIdentity, type KObject, type Resource } from './resource.js';
import { builtinTransformerConfig } from './transformer-config.js';
import { resolveVars } from './vars.js';
import { LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST, legacySort } from './sort.js';
import { isObject, printObjects } from './yaml-io.js';

export interface BuildOptions {
  /** Files may only be read inside this directory (default: the kustomization directory itself). */
  readonly root?: string;
}

export interface BuildResult {
  readonly resources: KObject[];
  readonly yaml: string;
}

export function build(dir: string, options: BuildOptions = {}): BuildResult {
  const files = new ConfinedFiles(options.root ?? dir);
  const target = files.resolve(files.root, path.relative(files.root, path.resolve(dir)));
  const loaded = loadTarget({ files, stack: [] }, target);
  const config = builtinTransformerConfig();
  const accumulated = accumulate({ files, stack: [] }, loaded, [], config);
  addHashSuffixes(accumulated);
  fixNameReferences(accumulated, config.nameReference);
  resolveVars(accumulated, config.vars, config.varReference);
  const resources = sortResources(loaded, accumulated).map((resource) => resource.object);
  return { resources, yaml: printObjects(resources) };
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
