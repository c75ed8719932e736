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
import { applyPatch, parsePatch, readPatch, type Patch, type PatchOptions } from './patches.js';
import { applyReplacements, loadReplacements } from './replacements.js';
import { setReplicas, type ReplicaOverride } from './replicas.js';
import type { Resource } from './resource.js';
import { toTarget } from './selector.js';
import { builtinRecord, originPath, recordTransformer, type BuildState } from './state.js';
import { fieldSpecs, type TransformerConfig } from './transformer-config.js';
import { isObject } from './yaml-io.js';

export interface TransformContext {
  readonly files: ConfinedFiles;
  readonly loaded: LoadedKustomization;
  readonly config: TransformerConfig;
  readonly state: BuildState;
}

export function runTransformers(context: TransformContext, input: Resource[]): Resource[] {
  const { files, loaded, config, state } = context;
  const configuredIn = originPath(state, loaded.file);
  const record = (resources: readonly Resource[], kind: string): void =>
    recordTransformer(state, resources, builtinRecord(configuredIn, kind));
  let resources = input;
  const legacy = legacyStrategicMergePatches(files, loaded);
  for (const patch of legacy) resources = applyPatch(resources, patch, config.schemas);
  if (legacy.length > 0) record(resources, 'PatchStrategicMergeTransformer');
  for (const patch of patchesField(files, loaded)) {
    resources = applyPatch(resources, patch, config.schemas);
    record(resources, 'PatchTransformer');
  }
  const namespace = stringField(loaded, 'namespace');
  if (namespace !== '') {
    setNamespace(resources, namespace, config.namespace);
    record(resources, 'NamespaceTransformer');
  }
  applyPrefixSuffix(context, resources, record);
  applyLabels(loaded, resources, config, record);
  const annotations = stringMapField(loaded, 'commonAnnotations');
  if (Object.keys(annotations).length > 0) {
    addAnnotations(resources, annotations, config.commonAnnotations);
    record(resources, 'AnnotationsTransformer');
  }
  for (const patch of legacyJson6902Patches(files, loaded)) {
    resources = applyPatch(resources, patch, config.schemas);
    record(resources, 'PatchJson6902Transformer');
  }
  for (const override of replicaOverrides(loaded)) {
    setReplicas(resources, [override], files.relative(loaded.file));
    record(resources, 'ReplicaCountTransformer');
  }
  for (const override of imageOverrides(loaded)) {
    setImages(resources, [override], config.images);
    record(resources, 'ImageTagTransformer');
  }
  const replacements = loadReplacements(files, loaded);
  if (replacements.length > 0) {
    applyReplacements(resources, replacements);
    record(resources, 'ReplacementTransformer');
  }
  return resources;
}

type Recorder = (resources: readonly Resource[], kind: string) => void;

function applyPrefixSuffix(context: TransformContext, resources: Resource[], record: Recorder): void {
  const { loaded, config } = context;
  const prefix = stringField(loaded, 'namePrefix');
  const suffix = stringField(loaded, 'nameSuffix');
  if (prefix !== '') {
    addNamePrefixSuffix(resources, prefix, '', { prefix: config.namePrefix });
    record(resources, 'PrefixTransformer');
  }
  if (suffix !== '') {
    addNamePrefixSuffix(resources, '', suffix, { suffix: config.nameSuffix });
    record(resources, 'SuffixTransformer');
  }
}

function applyLabels(
  loaded: LoadedKustomization,
  resources: Resource[],
  config: TransformerConfig,
  record: Recorder,
): void {
  const entries = Array.isArray(loaded.asText['labels']) ? (loaded.asText['labels'] as unknown[]) : [];
  const typed = Array.isArray(loaded.kustomization['labels'])
    ? (loaded.kustomization['labels'] as unknown[])
    : [];
  const common = stringMapField(loaded, 'commonLabels');
  if (entries.length === 0 && Object.keys(common).length === 0) return;
  entries.forEach((entry, index) => {
    if (!isObject(entry)) return;
    const original = typed[index];
    // `fields` come from the typed document: their `create` flags are booleans there.
    const fields = fieldSpecs(isObject(original) ? original['fields'] : undefined);
    const includeSelectors = entry['includeSelectors'] === 'true';
    const specs = labelFieldSpecs({
      includeSelectors,
      includeTemplates: entry['includeTemplates'] === 'true',
      fields: includeSelectors ? [...fields, ...config.commonLabels] : fields,
    });
    addLabels(resources, toStringMap(entry['pairs']), specs);
    record(resources, 'LabelTransformer');
  });
  // kustomize configures the commonLabels transformer whenever any labels are set.
  const commonSpecs = labelFieldSpecs({
    includeSelectors: true,
    includeTemplates: true,
    fields: config.commonLabels,
  });
  addLabels(resources, common, commonSpecs);
  record(resources, 'LabelTransformer');
}

function patchesField(files: ConfinedFiles, loaded: LoadedKustomization): Patch[] {
  return objectList(loaded, 'patches').map((entry) => {
    const { text, source } = readPatch(files, loaded.dir, entry);
    const target =
      entry['target'] === undefined || entry['target'] === null
        ? undefined
        : toTarget(entry['target'], source);
    return parsePatch(text, source, target, patchOptions(entry['options'], source));
  });
}

function patchOptions(value: unknown, source: string): PatchOptions {
  if (value === undefined || value === null) return {};
  if (!isObject(value))
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'patch options must be a mapping', source);
  return {
    allowNameChange: value['allowNameChange'] === true,
    allowKindChange: value['allowKindChange'] === true,
  };
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
