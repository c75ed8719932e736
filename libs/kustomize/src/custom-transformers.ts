// The `transformers` field with built-in transformer configs (`apiVersion: builtin`): the same
// transformers the kustomization fields configure, with their own field specs where they take them.
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KustomizeError } from './errors.js';
import { mergeStringMap, updateFields, type FieldSpec } from './field-specs.js';
import type { ConfinedFiles } from './files.js';
import { stringList, toStringMap, type LoadedKustomization } from './kustomization.js';
import { setImages, type ImageOverride } from './images.js';
import { addNamePrefixSuffix, setNamespace } from './metadata-transformers.js';
import { applyPatch, parsePatch, readPatch, type SchemaRegistry } from './patches.js';
import { applyReplacements } from './replacements.js';
import { setReplicas } from './replicas.js';
import { selectResources, toTarget } from './selector.js';
import { kindOf, nameOf, namespaceOf, type KObject, type PluginRef, type Resource } from './resource.js';
import { originPath, recordTransformer, type BuildState } from './state.js';
import { isObject, parseObjects } from './yaml-io.js';

/** Builds a directory entry (a kustomization whose output is transformer configs). */
export type DirectoryBuilder = (dir: string) => Resource[];

/** A plugin config and the file it was configured in (relative to the root kustomization). */
export interface PluginConfig {
  readonly config: KObject;
  readonly configuredIn: string;
}

/**
 * Plugin configs of the `transformers`, `generators` or `validators` field: inline YAML first,
 * then files and directories in their order, as kustomize accumulates them.
 */
export function loadPluginConfigs(
  state: BuildState,
  loaded: LoadedKustomization,
  field: 'transformers' | 'generators' | 'validators',
  buildDirectory: DirectoryBuilder,
): PluginConfig[] {
  const { files } = state;
  const entries = stringList(loaded, field);
  const kustomizationFile = originPath(state, loaded.file);
  const inline = entries
    .filter((entry) => entry.includes('\n'))
    .flatMap((entry) => parseObjects(entry, files.relative(loaded.file)))
    .map((config) => ({ config, configuredIn: kustomizationFile }));
  const fromFiles = entries
    .filter((entry) => !entry.includes('\n'))
    .flatMap((entry): PluginConfig[] => {
      const file = files.resolve(loaded.dir, entry);
      if (files.isDirectory(file)) {
        return buildDirectory(file).map((resource) => ({
          config: resource.object,
          configuredIn: resource.origin?.path ?? originPath(state, file),
        }));
      }
      const configuredIn = originPath(state, file);
      return parseObjects(files.readText(file), files.relative(file)).map((config) => ({
        config,
        configuredIn,
      }));
    });
  return [...inline, ...fromFiles];
}

export interface PluginContext {
  readonly files: ConfinedFiles;
  /** The directory of the kustomization listing the plugin configs (their paths are relative to it). */
  readonly dir: string;
  readonly schemas: SchemaRegistry;
  readonly state: BuildState;
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
  ValueAddTransformer: (resources, config, context) => {
    valueAdd(resources, config, context);
    return resources;
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
  configs: readonly PluginConfig[],
  context: PluginContext,
): Resource[] {
  let resources = input;
  for (const { config, configuredIn } of configs) {
    resources = handlerFor(config)(resources, config, context);
    recordTransformer(context.state, resources, { configuredIn, configuredBy: pluginRef(config) });
  }
  return resources;
}

/**
 * `validators`: built-in transformer configs that must leave the resources as they are; like
 * kustomize, one that changes anything fails the build.
 */
export function runValidators(
  resources: readonly Resource[],
  configs: readonly PluginConfig[],
  context: PluginContext,
): void {
  for (const { config, configuredIn } of configs) {
    const copies = resources.map((resource) => ({
      ...resource,
      object: structuredClone(resource.object),
      history: [...resource.history],
    }));
    const after = handlerFor(config)(copies, config, context);
    const before = resources.map((resource) => resource.object);
    const changed =
      after.length !== before.length ||
      after.some((resource, index) => !isDeepStrictEqual(resource.object, before[index]));
    if (changed) {
      throw new KustomizeError(
        'VALIDATION_FAILED',
        `validator ${kindOf(config)} '${nameOf(config)}' shouldn't modify the resource map`,
        configuredIn,
      );
    }
  }
}

function handlerFor(config: KObject): Handler {
  const kind = kindOf(config);
  if (config['apiVersion'] !== 'builtin') {
    throw new KustomizeError(
      'UNSUPPORTED',
      `plugin ${String(config['apiVersion'])}/${kind} is not supported (only built-in plugins; no exec or KRM functions)`,
    );
  }
  const handler = HANDLERS[kind];
  if (handler === undefined)
    throw new KustomizeError('UNSUPPORTED', `built-in transformer ${kind} is not supported`);
  return handler;
}

export function pluginRef(config: KObject): PluginRef {
  const ref: { apiVersion: string; kind: string; name?: string; namespace?: string } = {
    apiVersion: String(config['apiVersion'] ?? ''),
    kind: kindOf(config),
  };
  if (nameOf(config) !== '') ref.name = nameOf(config);
  if (namespaceOf(config) !== '') ref.namespace = namespaceOf(config);
  return ref;
}

/**
 * ValueAddTransformer: puts `value` (default: the name of the kustomization's directory) into
 * each target field, or into a file path in it at `filePathPosition`; `metadata/namespace`
 * targets move the resource like the namespace transformer.
 */
function valueAdd(resources: Resource[], config: KObject, context: PluginContext): void {
  const configured = typeof config['value'] === 'string' ? config['value'].trim() : '';
  const value = configured === '' ? path.basename(context.dir) : configured;
  const targets = Array.isArray(config['targets']) ? config['targets'].filter(isObject) : [];
  if (targets.length === 0)
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      'ValueAddTransformer: must specify at least one target',
    );
  for (const target of targets) {
    const fieldPath = typeof target['fieldPath'] === 'string' ? target['fieldPath'] : '';
    if (fieldPath === '')
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'ValueAddTransformer: fieldPath cannot be empty');
    const position = typeof target['filePathPosition'] === 'number' ? target['filePathPosition'] : 0;
    if (position < 0)
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `ValueAddTransformer: value of FilePathPosition (${position}) cannot be negative`,
      );
    const selected = isObject(target['selector'])
      ? selectResources(resources, toTarget(target['selector'], 'ValueAddTransformer'))
      : resources;
    if (fieldPath === 'metadata/namespace') {
      setNamespace(selected, value, [], { builtinSpecs: false });
      continue;
    }
    for (const resource of selected) addValue(resource.object, splitEscapedPath(fieldPath), value, position);
  }
}

/** `a/b\\/c` is the two fields `a` and `b/c`. */
function splitEscapedPath(fieldPath: string): string[] {
  const fields: string[] = [];
  for (const part of fieldPath.split('/')) {
    const last = fields[fields.length - 1];
    if (last?.endsWith('\\') === true) fields[fields.length - 1] = `${last.slice(0, -1)}/${part}`;
    else fields.push(part);
  }
  return fields;
}

function addValue(object: KObject, fields: readonly string[], value: string, position: number): void {
  let node: Record<string, unknown> = object;
  for (const field of fields.slice(0, -1)) {
    const child = node[field];
    if (child === undefined || child === null) node[field] = {};
    else if (!isObject(child))
      throw new KustomizeError('INVALID_RESOURCE', `ValueAddTransformer: '${field}' is not a mapping`);
    node = node[field] as Record<string, unknown>;
  }
  const last = fields[fields.length - 1] as string;
  const current = node[last];
  if (current !== undefined && current !== null && typeof current === 'object')
    throw new KustomizeError('INVALID_RESOURCE', `ValueAddTransformer: '${last}' is not a scalar`);
  const text = current === undefined || current === null ? '' : String(current);
  node[last] = position > 0 ? insertPathPart(text, position - 1, value) : value;
}

/** kustomize's filesys.InsertPathPart: put `part` at index `at` of the path, keeping a leading `/`. */
export function insertPathPart(filePath: string, at: number, part: string): string {
  if (filePath === '' || filePath === '/') return `${filePath}${part}`;
  const absolute = filePath.startsWith('/');
  const parts = (absolute ? filePath.slice(1) : filePath).split('/');
  const index = Math.min(Math.max(at, 0), parts.length);
  parts.splice(index, 0, part);
  return `${absolute ? '/' : ''}${parts.join('/')}`;
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
