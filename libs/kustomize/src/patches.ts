// Strategic merge and JSON 6902 patches (`patches`, and the legacy `patchesStrategicMerge` and
// `patchesJson6902`), applied with @flotilla/kube-patch.
import {
  applyJsonPatch,
  applyStrategicMergePatch,
  builtinSchemaFor,
  isDeletePatch,
  PatchError,
  type JsonObject,
  type JsonValue,
  type TypeSchema,
} from '@flotilla/kube-patch';
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import {
  apiVersionOf,
  groupVersionOf,
  kindOf,
  metadataOf,
  nameOf,
  namespaceOf,
  syncIdentity,
  type KObject,
  type Resource,
} from './resource.js';
import { selectResources, type Target } from './selector.js';
import { isObject, parseDocuments } from './yaml-io.js';

/** `patches[].options`: whether a strategic merge patch may rename its target or change its kind. */
export interface PatchOptions {
  readonly allowNameChange?: boolean;
  readonly allowKindChange?: boolean;
}

export type Patch =
  | {
      readonly type: 'smp';
      readonly documents: readonly KObject[];
      readonly source: string;
      readonly target?: Target;
      readonly options?: PatchOptions;
    }
  | {
      readonly type: 'json6902';
      readonly operations: unknown[];
      readonly source: string;
      readonly target: Target;
    };

/** Reads a patch given inline or by path (relative to the kustomization directory). */
export function readPatch(
  files: ConfinedFiles,
  dir: string,
  entry: { path?: unknown; patch?: unknown },
): { text: string; source: string } {
  if (typeof entry.patch === 'string') return { text: entry.patch, source: 'inline patch' };
  if (typeof entry.path === 'string') {
    const file = files.resolve(dir, entry.path);
    return { text: files.readText(file), source: files.relative(file) };
  }
  throw new KustomizeError(
    'INVALID_KUSTOMIZATION',
    'a patch needs either `path` or `patch`',
    files.relative(dir),
  );
}

/** Decides the patch type the way kustomize does: a YAML/JSON list is JSON 6902, a mapping is SMP. */
export function parsePatch(
  text: string,
  source: string,
  target: Target | undefined,
  options: PatchOptions = {},
): Patch {
  const documents = parseDocuments(text, source).filter((doc) => doc !== null && doc !== undefined);
  const [first] = documents;
  if (Array.isArray(first)) {
    if (target === undefined) {
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'a JSON 6902 patch needs a target', source);
    }
    return { type: 'json6902', operations: first, source, target };
  }
  if (!documents.every(isObject)) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'a strategic merge patch must be a mapping', source);
  }
  const patch = { type: 'smp' as const, documents: documents as KObject[], source, options };
  return target === undefined ? patch : { ...patch, target };
}

/** Custom schemas (`openapi`) by `apiVersion/kind`; built-in kinds fall back to the bundled ones. */
export type SchemaRegistry = ReadonlyMap<string, TypeSchema>;

/** Applies one patch to the resources; returns the resources left (a patch may delete some). */
export function applyPatch(
  resources: Resource[],
  patch: Patch,
  schemas: SchemaRegistry = new Map(),
): Resource[] {
  if (patch.type === 'json6902') {
    for (const resource of selectResources(resources, patch.target)) applyJson6902(resource, patch);
    return resources;
  }
  let remaining = resources;
  for (const document of patch.documents) {
    const targets =
      patch.target === undefined
        ? [findPatchTarget(remaining, document, patch.source)]
        : selectResources(remaining, patch.target);
    const deleted = new Set(targets.filter((resource) => !applySmp(resource, document, patch, schemas)));
    if (deleted.size > 0) remaining = remaining.filter((resource) => !deleted.has(resource));
  }
  return remaining;
}

function applyJson6902(resource: Resource, patch: Extract<Patch, { type: 'json6902' }>): void {
  try {
    let doc = resource.object as JsonValue;
    for (const operation of patch.operations) doc = applyOperation(doc, operation);
    resource.object = doc as KObject;
    // A JSON patch may rename its target; references follow it (kustomize stores the previous id).
    syncIdentity(resource);
  } catch (error) {
    throw new KustomizeError(
      'PATCH_FAILED',
      `${describeError(error)} (target ${nameOf(resource.object)})`,
      patch.source,
    );
  }
}

/** kustomize's JSON patch library lets `replace` create a missing object member, like `add`. */
function applyOperation(doc: JsonValue, operation: unknown): JsonValue {
  try {
    return applyJsonPatch(doc, [operation]);
  } catch (error) {
    const replacing = isObject(operation) && operation['op'] === 'replace';
    if (!(error instanceof PatchError && error.code === 'PATH_NOT_FOUND' && replacing)) throw error;
    return applyJsonPatch(doc, [{ ...operation, op: 'add' }]);
  }
}

/** Applies a strategic merge patch; false when the patch deletes the resource. */
function applySmp(
  resource: Resource,
  document: KObject,
  patch: Extract<Patch, { type: 'smp' }>,
  schemas: SchemaRegistry,
): boolean {
  if (isDeletePatch(document as JsonValue)) return false;
  const { object } = resource;
  const [kind, name, namespace] = [kindOf(object), nameOf(object), namespaceOf(object)];
  const schema =
    schemas.get(`${apiVersionOf(object)}/${kind}`) ?? builtinSchemaFor(apiVersionOf(object), kind);
  try {
    resource.object = applyStrategicMergePatch(object as JsonObject, document as JsonObject, schema, {
      flavor: 'kustomize',
    }) as KObject;
  } catch (error) {
    throw new KustomizeError(
      'PATCH_FAILED',
      `${describeError(error)} (target ${kind} ${name})`,
      patch.source,
    );
  }
  // The patch never moves its target, and renames it or changes its kind only when allowed.
  if (patch.options?.allowKindChange !== true) resource.object['kind'] = kind;
  const metadata = metadataOf(resource.object);
  if (patch.options?.allowNameChange !== true) metadata['name'] = name;
  if (namespace === '') delete metadata['namespace'];
  else metadata['namespace'] = namespace;
  syncIdentity(resource);
  return true;
}

function effectiveNamespace(namespace: string): string {
  return namespace === '' ? 'default' : namespace;
}

/** An untargeted SMP goes to the one resource with the patch's GVK, name and namespace (any of its identities). */
function findPatchTarget(resources: readonly Resource[], document: KObject, source: string): Resource {
  const { group, version } = groupVersionOf(document);
  const [kind, name, namespace] = [
    kindOf(document),
    nameOf(document),
    effectiveNamespace(namespaceOf(document)),
  ];
  const matches = resources.filter((resource) => {
    const gv = groupVersionOf(resource.object);
    if (kindOf(resource.object) !== kind || gv.group !== group || gv.version !== version) return false;
    return resource.history.some(
      (entry) => entry.name === name && effectiveNamespace(entry.namespace) === namespace,
    );
  });
  if (matches.length !== 1) {
    const id = `${kind}.${version || '[noVer]'}.${group || '[noGrp]'}/${name}.${namespaceOf(document) || '[noNs]'}`;
    const problem = matches.length === 0 ? 'no matches' : 'multiple matches';
    throw new KustomizeError(
      'PATCH_FAILED',
      `${problem} for Id ${id}; failed to find unique target for patch`,
      source,
    );
  }
  return matches[0] as Resource;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
