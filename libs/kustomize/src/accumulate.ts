// Accumulating a kustomization target: resources and bases (files and nested kustomizations),
// then components, then generators, then transformers; the recursion kustomize calls
// AccumulateTarget.
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { addGenerated, generate, indexForGenerators, type GeneratedIndex } from './generators.js';
import {
  isComponent,
  loadKustomization,
  objectList,
  stringList,
  type LoadedKustomization,
} from './kustomization.js';
import {
  currentId,
  describe,
  kindOf,
  nameOf,
  namespaceOf,
  newResource,
  type Origin,
  type Resource,
} from './resource.js';
import { loadCrds } from './crds.js';
import {
  loadPluginConfigs,
  pluginRef,
  runCustomTransformers,
  runValidators,
  type PluginConfig,
} from './custom-transformers.js';
import { inflateHelmCharts } from './helm.js';
import { fileOrigin, isRemote, loadRemote } from './remote.js';
import { originPath, type BuildState } from './state.js';
import { loadOpenAPISchemas } from './openapi.js';
import { runTransformers } from './transform.js';
import { addVars, loadVars } from './vars.js';
import {
  builtinTransformerConfig,
  loadConfigurations,
  type TransformerConfig,
} from './transformer-config.js';
import { isObject, parseObjects } from './yaml-io.js';

export interface AccumulateContext {
  readonly files: ConfinedFiles;
  readonly state: BuildState;
  /** Kustomization directories being built, outermost first (to detect cycles). */
  readonly stack: readonly string[];
}

/** Bases nest at most this deep (a cycle through remote URLs or symlinks cannot recurse forever). */
export const MAX_KUSTOMIZATION_DEPTH = 100;

export function loadTarget(context: AccumulateContext, dir: string): LoadedKustomization {
  if (context.stack.includes(dir)) {
    const chain = [...context.stack, dir].map((entry) => context.files.relative(entry)).join(' -> ');
    throw new KustomizeError('CYCLE', `cycle detected: ${chain}`);
  }
  if (context.stack.length >= MAX_KUSTOMIZATION_DEPTH) {
    throw new KustomizeError(
      'LIMIT_EXCEEDED',
      `kustomizations nest more than ${MAX_KUSTOMIZATION_DEPTH} deep`,
      context.files.relative(dir),
    );
  }
  return loadKustomization(context.files, dir);
}

export function accumulate(
  context: AccumulateContext,
  loaded: LoadedKustomization,
  input: Resource[],
  config: TransformerConfig,
): Resource[] {
  const inner: AccumulateContext = { ...context, stack: [...context.stack, loaded.dir] };
  const file = context.files.relative(loaded.file);
  loadConfigurations(context.files, loaded, config);
  loadCrds(context.files, loaded, config);
  loadOpenAPISchemas(context.files, loaded, config.schemas);
  addVars(config.vars, loadVars(loaded, file), file);
  let resources = input;
  const ids = new Set(resources.map(currentId));
  for (const entry of [...stringList(loaded, 'bases'), ...stringList(loaded, 'resources')]) {
    for (const resource of loadEntry(inner, loaded, entry, config))
      appendUnique(inner, { resources, ids }, resource, loaded);
  }
  for (const entry of stringList(loaded, 'components')) {
    const component = loadTarget(inner, targetDirectory(inner, loaded, entry));
    if (!isComponent(component)) {
      throw new KustomizeError('INVALID_KUSTOMIZATION', `'${entry}' is not a Component`, file);
    }
    resources = accumulate(inner, component, resources, config);
  }
  const buildDirectory = (dir: string): Resource[] =>
    accumulate(inner, loadTarget(inner, dir), [], builtinTransformerConfig());
  runGenerators(inner.state, loaded, resources);
  const charts = inflateHelmCharts(inner.state, loaded);
  const known = { resources, ids: new Set(charts.length > 0 ? resources.map(currentId) : []) };
  for (const resource of charts) appendUnique(inner, known, resource, loaded);
  const generators = loadPluginConfigs(inner.state, loaded, 'generators', buildDirectory);
  runGeneratorPlugins(inner.state, loaded, resources, generators);
  const transformed = runTransformers({ files: inner.files, loaded, config, state: inner.state }, resources);
  const plugins = { files: inner.files, dir: loaded.dir, schemas: config.schemas, state: inner.state };
  const transformers = loadPluginConfigs(inner.state, loaded, 'transformers', buildDirectory);
  const result = runCustomTransformers(transformed, transformers, plugins);
  runValidators(result, loadPluginConfigs(inner.state, loaded, 'validators', buildDirectory), plugins);
  return result;
}

/** A directory entry of resources/components: local, or a remote base fetched by the loader. */
function targetDirectory(context: AccumulateContext, loaded: LoadedKustomization, entry: string): string {
  if (!isRemote(entry)) return context.files.resolve(loaded.dir, entry);
  return loadRemote(context.state, entry, context.files.relative(loaded.file));
}

function loadEntry(
  context: AccumulateContext,
  loaded: LoadedKustomization,
  entry: string,
  config: TransformerConfig,
): Resource[] {
  const file = targetDirectory(context, loaded, entry);
  const source = context.files.relative(loaded.file);
  if (!context.files.exists(file)) {
    throw new KustomizeError('MISSING_FILE', `resource '${entry}' not found`, source);
  }
  if (context.files.isDirectory(file)) {
    const nested = loadTarget(context, file);
    if (isComponent(nested)) {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `'${entry}' is a Component; list it under components`,
        source,
      );
    }
    // The nested target's configurations also serve this one (kustomize merges them upwards).
    return accumulate(context, nested, [], config);
  }
  const name = context.files.relative(file);
  const origin = fileOrigin(context.state, file);
  return parseObjects(context.files.readText(file), name).map((object) => {
    if (kindOf(object) === '' || nameOf(object) === '') {
      throw new KustomizeError('INVALID_RESOURCE', 'a resource needs kind and metadata.name', name);
    }
    return newResource(object, origin);
  });
}

/** Resources with their ids, so that adding n resources costs O(n), not O(n²). */
interface IndexedResources {
  readonly resources: Resource[];
  readonly ids: Set<string>;
}

function appendUnique(
  context: AccumulateContext,
  { resources, ids }: IndexedResources,
  resource: Resource,
  loaded: LoadedKustomization,
): void {
  const id = currentId(resource);
  if (ids.has(id)) {
    throw new KustomizeError(
      'DUPLICATE_ID',
      `may not add resource with an already registered id: ${describe(resource)}`,
      context.files.relative(loaded.file),
    );
  }
  ids.add(id);
  resources.push(resource);
}

function generatorOrigin(state: BuildState, loaded: LoadedKustomization, kind: string): Origin {
  return { configuredIn: originPath(state, loaded.file), configuredBy: { apiVersion: 'builtin', kind } };
}

function runGenerators(state: BuildState, loaded: LoadedKustomization, resources: Resource[]): void {
  const { files } = state;
  const options = isObject(loaded.kustomization['generatorOptions'])
    ? loaded.kustomization['generatorOptions']
    : {};
  const file = files.relative(loaded.file);
  const context = { files, dir: loaded.dir, file, options };
  const generators: Array<['ConfigMap' | 'Secret', string]> = [
    ['ConfigMap', 'configMapGenerator'],
    ['Secret', 'secretGenerator'],
  ];
  let index: GeneratedIndex | undefined;
  for (const [kind, field] of generators) {
    const origin = generatorOrigin(state, loaded, `${kind}Generator`);
    for (const spec of objectList(loaded, field)) {
      const behavior = typeof spec['behavior'] === 'string' ? spec['behavior'] : 'create';
      const generated = generate(kind, spec, context);
      generated.origin = origin;
      index ??= indexForGenerators(resources);
      addGenerated(resources, generated, behavior, file, index);
    }
  }
}

/** The `generators` field: built-in ConfigMapGenerator/SecretGenerator configs (their own options only). */
function runGeneratorPlugins(
  state: BuildState,
  loaded: LoadedKustomization,
  resources: Resource[],
  configs: readonly PluginConfig[],
): void {
  const { files } = state;
  const file = files.relative(loaded.file);
  const context = { files, dir: loaded.dir, file, options: {} };
  for (const { config, configuredIn } of configs) {
    const kind = kindOf(config);
    if (config['apiVersion'] !== 'builtin' || (kind !== 'ConfigMapGenerator' && kind !== 'SecretGenerator')) {
      throw new KustomizeError(
        'UNSUPPORTED',
        `generator ${String(config['apiVersion'])}/${kind} is not supported (only built-in generators)`,
        file,
      );
    }
    const spec = { ...config, name: nameOf(config), namespace: namespaceOf(config) };
    const behavior = typeof config['behavior'] === 'string' ? config['behavior'] : 'create';
    const generated = generate(kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret', spec, context);
    generated.origin = { configuredIn, configuredBy: pluginRef(config) };
    addGenerated(resources, generated, behavior, file);
  }
}
