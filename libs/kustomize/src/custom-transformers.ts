// The `transformers` field with built-in transformer configs (`apiVersion: builtin`): the same
// transformers the kustomization fields configure, with their own field specs where they take them.
import { KustomizeError } from './errors.js';
import { mergeStringMap, updateFields, type FieldSpec } from './field-specs.js';
import type { ConfinedFiles } from './files.js';
import { stringList, toStringMap, type LoadedKustomization } from './kustomization.js';
import { setImages, type ImageOverride } from './images.js';
import { addNamePrefixSuffix, setNamespace } from './metadata-transformers.js';
import { applyPatch, parsePatch, readPatch, type SchemaRegistry } from './patches.js';
import { applyReplacements } from './replacements.js';
import { setReplicas } from './replicas.js';
import { toTarget } from './selector.js';
import { kindOf, namespaceOf, type KObject, type Resource } from './resource.js';
import { isObject, parseObjects } from './yaml-io.js';

/** Builds a directory entry (a kustomization whose output is transformer configs). */
export type DirectoryBuilder = (dir: string) => KObject[];

/** Plugin configs of the `transformers` or `generators` field: files, directories or inline YAML. */
export function loadPluginConfigs(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
  field: 'transformers' | 'generators',
  buildDirectory: DirectoryBuilder,
): KObject[] {
  return stringList(loaded, field).flatMap((entry) => {
    if (entry.includes('\n')) return parseObjects(entry, files.relative(loaded.file));
    const file = files.resolve(loaded.dir, entry);
    if (files.isDirectory(file)) return buildDirectory(file);
    return parseObjects(files.readText(file), files.relative(file));
  });
}

export interface PluginContext {
  readonly files: ConfinedFiles;
  /** The directory of the kustomization listing the plugin configs (their paths are relative to it). */
  readonly dir: string;
  readonly schemas: SchemaRegistry;
}

type Handler = (resources: Resource[], config: KObject, context: PluginContext) => Resource[];

const HANDLERS: Readonly<Record<string, Handler>> = {
  PrefixSuffixTransformer: (resources, config) => {
    prefixSuffix(resources, config, fieldSpecs(config['fieldSpecs']));
    return resources;
  },
  LabelTransformer: (resources, config) => {
    addToMaps(resources, toStringMap(config['labels']), fieldSpecs(config['fieldSpecs']));
    return resources;
  },
  AnnotationsTransformer: (resources, config) => {
    addToMaps(resources, toStringMap(config['annotations']), fieldSpecs(config['fieldSpecs']));
    return resources;
  },
  NamespaceTransformer: (resources, config) => {
    const namespace = namespaceOf(config);
    const extra = fieldSpecs(config['fieldSpecs']).filter((spec) => spec.path !== 'metadata/namespace');
    if (namespace !== '') setNamespace(resources, namespace, extra);
    return resources;
  },
  ImageTagTransformer: (resources, config) => {
    const imageTag = toStringMap(config['imageTag']);
    if (imageTag['name'] === undefined)
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'ImageTagTransformer needs imageTag.name');
    setImages(resources, [imageTag as unknown as ImageOverride], fieldSpecs(config['fieldSpecs']));
    return resources;
  },
  ReplicaCountTransformer: (resources, config) => {
    const replica = isObject(config['replica']) ? config['replica'] : {};
    if (typeof replica['name'] !== 'string' || typeof replica['count'] !== 'number') {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        'ReplicaCountTransformer needs replica.name and replica.count',
      );
    }
    setReplicas(resources, [{ name: replica['name'], count: replica['count'] }]);
    return resources;
  },
  ReplacementTransformer: (resources, config) => {
    const replacements = Array.isArray(config['replacements']) ? config['replacements'].filter(isObject) : [];
    applyReplacements(resources, replacements);
    return resources;
  },
  PatchTransformer: (resources, config, context) => {
    const { text, source } = readPatch(context.files, context.dir, config);
    const target = isObject(config['target']) ? toTarget(config['target'], source) : undefined;
    return applyPatch(resources, parsePatch(text, source, target), context.schemas);
  },
  PatchJson6902Transformer: (resources, config, context) => {
    const entry =
      typeof config['jsonOp'] === 'string' ? { patch: config['jsonOp'] } : { path: config['path'] };
    const { text, source } = readPatch(context.files, context.dir, entry);
    return applyPatch(
      resources,
      parsePatch(text, source, toTarget(config['target'], source)),
      context.schemas,
    );
  },
  PatchStrategicMergeTransformer: (resources, config, context) => {
    const inline = typeof config['patches'] === 'string' ? [{ patch: config['patches'] }] : [];
    const paths = Array.isArray(config['paths']) ? config['paths'].map((entry) => ({ path: entry })) : [];
    let result = resources;
    for (const entry of [...inline, ...paths]) {
      const { text, source } = readPatch(context.files, context.dir, entry);
      result = applyPatch(result, parsePatch(text, source, undefined), context.schemas);
    }
    return result;
  },
};

export function runCustomTransformers(
  input: Resource[],
  configs: readonly KObject[],
  context: PluginContext,
): Resource[] {
  let resources = input;
  for (const config of configs) {
    const kind = kindOf(config);
    if (config['apiVersion'] !== 'builtin') {
      throw new KustomizeError(
        'UNSUPPORTED',
        `transformer plugin ${String(config['apiVersion'])}/${kind} is not supported`,
      );
    }
    const handler = HANDLERS[kind];
    if (handler === undefined)
      throw new KustomizeError('UNSUPPORTED', `built-in transformer ${kind} is not supported yet`);
    resources = handler(resources, config, context);
  }
  return resources;
}

function fieldSpecs(value: unknown): FieldSpec[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((entry) => {
    const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { path: String(entry['path'] ?? '') };
    for (const key of ['kind', 'group', 'version'] as const) {
      if (typeof entry[key] === 'string' && entry[key] !== '') spec[key] = entry[key];
    }
    if (entry['create'] === true) spec.create = true;
    return spec;
  });
}

function prefixSuffix(resources: readonly Resource[], config: KObject, specs: readonly FieldSpec[]): void {
  const prefix = typeof config['prefix'] === 'string' ? config['prefix'] : '';
  const suffix = typeof config['suffix'] === 'string' ? config['suffix'] : '';
  const nameSpecs = specs.filter((spec) => spec.path === 'metadata/name');
  const otherSpecs = specs.filter((spec) => spec.path !== 'metadata/name');
  // Renames go through the identity history so references follow them.
  if (specs.length === 0) addNamePrefixSuffix(resources, prefix, suffix);
  for (const spec of nameSpecs) {
    const selected = resources.filter(
      (resource) => spec.kind === undefined || spec.kind === kindOf(resource.object),
    );
    addNamePrefixSuffix(selected, prefix, suffix);
  }
  for (const resource of resources) {
    updateFields(resource.object, otherSpecs, (value) =>
      typeof value === 'string' ? `${prefix}${value}${suffix}` : undefined,
    );
  }
}

function addToMaps(
  resources: readonly Resource[],
  values: Record<string, string>,
  specs: readonly FieldSpec[],
): void {
  for (const resource of resources) updateFields(resource.object, specs, mergeStringMap(values));
}
