// Accumulating a kustomization target: resources and bases (files and nested kustomizations),
// then components, then generators, then transformers; the recursion kustomize calls
// AccumulateTarget.
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { addGenerated, generate } from './generators.js';
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
  type KObject,
  type Resource,
} from './resource.js';
import { loadPluginConfigs, runCustomTransformers } from './custom-transformers.js';
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
  /** Kustomization directories being built, outermost first (to detect cycles). */
  readonly stack: readonly string[];
}

export function loadTarget(context: AccumulateContext, dir: string): LoadedKustomization {
  if (context.stack.includes(dir)) {
    const chain = [...context.stack, dir].map((entry) => context.files.relative(entry)).join(' -> ');
    throw new KustomizeError('CYCLE', `cycle detected: ${chain}`);
  }
  return loadKustomization(context.files, dir);
}

export function accumulate(
  context: AccumulateContext,
  loaded: LoadedKustomization,
  input: Resource[],
  config: TransformerConfig,
): Resource[] {
  const inner: AccumulateContext = { files: context.files, stack: [...context.stack, loaded.dir] };
  loadConfigurations(context.files, loaded, config);
  loadOpenAPISchemas(context.files, loaded, config.schemas);
  addVars(
    config.vars,
    loadVars(loaded, context.files.relative(loaded.file)),
    context.files.relative(loaded.file),
  );
  let resources = input;
  for (const entry of [...stringList(loaded, 'bases'), ...stringList(loaded, 'resources')]) {
    for (const resource of loadEntry(inner, loaded, entry, config))
      appendUnique(inner, resources, resource, loaded);
  }
  for (const entry of stringList(loaded, 'components')) {
    const dir = inner.files.resolve(loaded.dir, entry);
    const component = loadTarget(inner, dir);
    if (!isComponent(component)) {
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `'${entry}' is not a Component`,
        context.files.relative(loaded.file),
      );
    }
    resources = accumulate(inner, component, resources, config);
  }
  const buildDirectory = (dir: string): KObject[] =>
    accumulate(inner, loadTarget(inner, dir), [], builtinTransformerConfig()).map(
      (resource) => resource.object,
    );
  runGenerators(inner.files, loaded, resources);
  const generators = loadPluginConfigs(inner.files, loaded, 'generators', buildDirectory);
  runGeneratorPlugins(inner.files, loaded, resources, generators);
  const transformed = runTransformers(inner.files, loaded, resources, config);
  const plugins = { files: inner.files, dir: loaded.dir, schemas: config.schemas };
  const transformers = loadPluginConfigs(inner.files, loaded, 'transformers', buildDirectory);
  return runCustomTransformers(transformed, transformers, plugins);
}

function loadEntry(
  context: AccumulateContext,
  loaded: LoadedKustomization,
  entry: string,
  config: TransformerConfig,
): Resource[] {
  const file = context.files.resolve(loaded.dir, entry);
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
  return parseObjects(context.files.readText(file), name).map((object) => {
    if (kindOf(object) === '' || nameOf(object) === '') {
      throw new KustomizeError('INVALID_RESOURCE', 'a resource needs kind and metadata.name', name);
    }
    return newResource(object);
  });
}

function appendUnique(
  context: AccumulateContext,
  resources: Resource[],
  resource: Resource,
  loaded: LoadedKustomization,
): void {
  const id = currentId(resource);
  if (resources.some((existing) => currentId(existing) === id)) {
    throw new KustomizeError(
      'DUPLICATE_ID',
      `may not add resource with an already registered id: ${describe(resource)}`,
      context.files.relative(loaded.file),
    );
  }
  resources.push(resource);
}

function runGenerators(files: ConfinedFiles, loaded: LoadedKustomization, resources: Resource[]): void {
  const options = isObject(loaded.kustomization['generatorOptions'])
    ? loaded.kustomization['generatorOptions']
    : {};
  const file = files.relative(loaded.file);
  const context = { files, dir: loaded.dir, file, options };
  const generators: Array<['ConfigMap' | 'Secret', string]> = [
    ['ConfigMap', 'configMapGenerator'],
    ['Secret', 'secretGenerator'],
  ];
  for (const [kind, field] of generators) {
    for (const spec of objectList(loaded, field)) {
      const behavior = typeof spec['behavior'] === 'string' ? spec['behavior'] : 'create';
      addGenerated(resources, generate(kind, spec, context), behavior, file);
    }
  }
}

/** The `generators` field: built-in ConfigMapGenerator/SecretGenerator configs (their own options only). */
function runGeneratorPlugins(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
  resources: Resource[],
  configs: readonly KObject[],
): void {
  const file = files.relative(loaded.file);
  const context = { files, dir: loaded.dir, file, options: {} };
  for (const config of configs) {
    const kind = kindOf(config);
    if (config['apiVersion'] !== 'builtin' || (kind !== 'ConfigMapGenerator' && kind !== 'SecretGenerator')) {
      throw new KustomizeError(
        'UNSUPPORTED',
        `generator ${String(config['apiVersion'])}/${kind} is not supported`,
        file,
      );
    }
    const spec = { ...config, name: nameOf(config), namespace: namespaceOf(config) };
    const behavior = typeof config['behavior'] === 'string' ? config['behavior'] : 'create';
    addGenerated(
      resources,
      generate(kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret', spec, context),
      behavior,
      file,
    );
  }
}
