// Runs a kustomization's built-in transformers over the accumulated resources, in the order
// kustomize configures them (SMP patches, patches, namespace, prefix/suffix, labels,
// annotations, JSON 6902 patches, replicas, images).
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { setImages, type ImageOverride } from './images.js';
import {
  objectList,
  stringField,
  stringList,
  stringMapField,
  toStringMap,
  type LoadedKustomization,
} from './kustomization.js';
import {
  addAnnotations,
  addLabels,
  addNamePrefixSuffix,
  labelFieldSpecs,
  setNamespace,
} from './metadata-transformers.js';
import { applyPatch, parsePatch, readPatch, type Patch } from './patches.js';
import { applyReplacements, loadReplacements } from './replacements.js';
import { setReplicas, type ReplicaOverride } from './replicas.js';
import type { Resource } from './resource.js';
import { toTarget } from './selector.js';
import type { TransformerConfig } from './transformer-config.js';
import { isObject } from './yaml-io.js';

export function runTransformers(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
  input: Resource[],
  config: TransformerConfig,
): Resource[] {
  let resources = input;
  for (const patch of [...legacyStrategicMergePatches(files, loaded), ...patchesField(files, loaded)]) {
    resources = applyPatch(resources, patch, config.schemas);
  }
  const namespace = stringField(loaded, 'namespace');
  if (namespace !== '') setNamespace(resources, namespace, config.namespace);
  addNamePrefixSuffix(resources, stringField(loaded, 'namePrefix'), stringField(loaded, 'nameSuffix'));
  applyLabels(loaded, resources, config);
  addAnnotations(resources, stringMapField(loaded, 'commonAnnotations'), config.commonAnnotations);
  for (const patch of legacyJson6902Patches(files, loaded))
    resources = applyPatch(resources, patch, config.schemas);
  setReplicas(resources, replicaOverrides(loaded));
  setImages(resources, imageOverrides(loaded), config.images);
  applyReplacements(resources, loadReplacements(files, loaded));
  return resources;
}

function applyLabels(loaded: LoadedKustomization, resources: Resource[], config: TransformerConfig): void {
  const entries = Array.isArray(loaded.asText['labels']) ? (loaded.asText['labels'] as unknown[]) : [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const specs = labelFieldSpecs({
      includeSelectors: entry['includeSelectors'] === 'true',
      includeTemplates: entry['includeTemplates'] === 'true',
      fields: entry['includeSelectors'] === 'true' ? config.commonLabels : [],
    });
    addLabels(resources, toStringMap(entry['pairs']), specs);
  }
  const commonSpecs = labelFieldSpecs({
    includeSelectors: true,
    includeTemplates: true,
    fields: config.commonLabels,
  });
  addLabels(resources, stringMapField(loaded, 'commonLabels'), commonSpecs);
}

function patchesField(files: ConfinedFiles, loaded: LoadedKustomization): Patch[] {
  return objectList(loaded, 'patches').map((entry) => {
    const { text, source } = readPatch(files, loaded.dir, entry);
    const target =
      entry['target'] === undefined || entry['target'] === null
        ? undefined
        : toTarget(entry['target'], source);
    return parsePatch(text, source, target);
  });
}

function legacyStrategicMergePatches(files: ConfinedFiles, loaded: LoadedKustomization): Patch[] {
  return stringList(loaded, 'patchesStrategicMerge').map((entry) => {
    // An entry is a file path unless it is inline YAML (kustomize tries the file first).
    const inline = entry.includes('\n') || !files.exists(safeResolve(files, loaded.dir, entry));
    const { text, source } = inline
      ? { text: entry, source: 'inline patch' }
      : readPatch(files, loaded.dir, { path: entry });
    return parsePatch(text, source, undefined);
  });
}

function safeResolve(files: ConfinedFiles, dir: string, entry: string): string {
  try {
    return files.resolve(dir, entry);
  } catch (error) {
    if (error instanceof KustomizeError && error.code === 'OUTSIDE_ROOT') throw error;
    return '';
  }
}

function legacyJson6902Patches(files: ConfinedFiles, loaded: LoadedKustomization): Patch[] {
  return objectList(loaded, 'patchesJson6902').map((entry) => {
    const { text, source } = readPatch(files, loaded.dir, entry);
    const patch = parsePatch(text, source, toTarget(entry['target'], source));
    if (patch.type !== 'json6902') {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        'patchesJson6902 entries must be JSON 6902 patches',
        source,
      );
    }
    return patch;
  });
}

function replicaOverrides(loaded: LoadedKustomization): ReplicaOverride[] {
  return objectList(loaded, 'replicas').map((entry) => {
    const count = entry['count'];
    if (typeof entry['name'] !== 'string' || typeof count !== 'number' || !Number.isInteger(count)) {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        'a replicas entry needs a name and an integer count',
        loaded.file,
      );
    }
    return { name: entry['name'], count };
  });
}

function imageOverrides(loaded: LoadedKustomization): ImageOverride[] {
  const entries = Array.isArray(loaded.asText['images']) ? (loaded.asText['images'] as unknown[]) : [];
  return entries.filter(isObject).map((entry) => {
    const text = (key: string): string | undefined =>
      typeof entry[key] === 'string' && entry[key] !== '' ? entry[key] : undefined;
    const name = text('name');
    if (name === undefined)
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'an images entry needs a name', loaded.file);
    const override: { name: string; newName?: string; newTag?: string; digest?: string } = { name };
    for (const key of ['newName', 'newTag', 'digest'] as const) {
      const value = text(key);
      if (value !== undefined) override[key] = value;
    }
    return override;
  });
}
