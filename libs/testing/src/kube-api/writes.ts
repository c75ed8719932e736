// Create and update (PUT, and the final step of every patch): metadata rules, resourceVersion and
// uid preconditions, status-subresource isolation, generation, managedFields, no-op detection and
// the finalizer rule that a write emptying finalizers of a terminating object deletes it.
import { randomUUID } from 'node:crypto';
import { admit, type FieldValidation } from './admission.js';
import {
  finalizersOf,
  groupResourceOf,
  isTerminating,
  namespaceFinalizersOf,
  storageApiVersion,
  type KubeApiCore,
} from './core.js';
import {
  alreadyExists,
  badRequest,
  conflictMessage,
  field,
  invalid,
  resourceVersionOnCreate,
  staleResourceVersion,
} from './errors.js';
import { deepEqual, isObject, metaOf, type JsonObject, type KubeObject } from './json.js';
import { generateNameFrom } from './object-meta.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';
import { formatTime } from './time.js';

export type WriteSubresource = 'status' | 'finalize' | undefined;

export interface WriteOptions {
  dryRun: boolean;
  /** The field manager: `fieldManager`, else the User-Agent up to its first `/`. */
  manager: string;
  fieldValidation: FieldValidation;
  /** Collects `Warning` header texts. */
  warnings: string[];
  /** Extra admission (e.g. the RBAC escalation check), run on the admitted object. */
  admissionCheck?: (type: ResourceType, obj: KubeObject) => void;
}

export interface WriteTarget {
  type: ResourceType;
  /** '' for cluster-scoped kinds. */
  namespace: string;
}

/** Fills apiVersion/kind from the endpoint, or 400 when the body names another. */
export function checkTypeMeta(obj: KubeObject, type: ResourceType): void {
  const expected = groupVersionOf(type);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${String(obj.kind)}) does not match the expected kind (${type.kind})`,
    );
  }
  obj.apiVersion = expected;
  obj.kind = type.kind;
}

function ensureMetadata(obj: KubeObject): JsonObject {
  if (obj.metadata !== undefined && !isObject(obj.metadata)) throw badRequest('metadata must be an object');
  obj.metadata ??= {};
  return obj.metadata;
}

function checkNamespace(metadata: JsonObject, target: WriteTarget): void {
  if (!target.type.namespaced) {
    delete metadata.namespace;
    return;
  }
  const given = metadata.namespace;
  if (given !== undefined && given !== '' && given !== target.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  metadata.namespace = target.namespace;
}

function nameOrGenerate(metadata: JsonObject, type: ResourceType): void {
  if (typeof metadata.name === 'string' && metadata.name !== '') return;
  if (typeof metadata.generateName === 'string' && metadata.generateName !== '') {
    metadata.name = generateNameFrom(metadata.generateName);
    return;
  }
  throw invalid({ group: type.group, kind: type.kind, name: '' }, [
    field.required('metadata.name', 'name or generateName is required'),
  ]);
}

/** POST: creates the object (201), or returns what would be created under dryRun. */
export function createObject(
  core: KubeApiCore,
  target: WriteTarget,
  body: KubeObject,
  options: WriteOptions,
  applied?: KubeObject,
): KubeObject {
  const { type } = target;
  checkTypeMeta(body, type);
  const metadata = ensureMetadata(body);
  if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== '')
    throw resourceVersionOnCreate();
  checkNamespace(metadata, target);
  nameOrGenerate(metadata, type);
  if (type.namespaced) core.requireActiveNamespace(type, target.namespace);
  core.requireCrdNotTerminating(type);
  for (const key of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'resourceVersion'])
    delete metadata[key];
  if (type.statusSubresource) delete body.status;
  metadata.uid = randomUUID();
  metadata.creationTimestamp = formatTime(core.now());
  if (type.generation === 'none') delete metadata.generation;
  else metadata.generation = 1;
  let obj = admitForStorage(core, type, body, undefined, options);
  obj = withManagedFields(
    core,
    { type, previous: undefined, next: obj, manager: options.manager, subresource: undefined },
    applied,
  );
  const existing = core.get(type, target.namespace, String(metaOf(obj).name));
  if (existing) throw alreadyExists(groupResourceOf(type), String(metaOf(obj).name), isTerminating(existing));
  if (options.dryRun) return core.view(type, obj);
  return core.view(type, core.commitPut(type, obj, undefined));
}

function withManagedFields(
  core: KubeApiCore,
  record: {
    type: ResourceType;
    previous: KubeObject | undefined;
    next: KubeObject;
    manager: string;
    subresource: string | undefined;
  },
  applied: KubeObject | undefined,
): KubeObject {
  // Apply computed managedFields already; other writes record an Update entry.
  const managedFields = applied ? metaOf(applied).managedFields : core.fieldManagers.update(record);
  const metadata = { ...metaOf(record.next) };
  if (Array.isArray(managedFields) && managedFields.length > 0) metadata.managedFields = managedFields;
  else delete metadata.managedFields;
  return { ...record.next, metadata };
}

export interface UpdateRequest extends WriteTarget {
  name: string;
  body: KubeObject;
  subresource: WriteSubresource;
  /** PUT requires a resourceVersion on custom resources; patches do not. */
  requireResourceVersion: boolean;
  /** Server-side apply: the applied object carries its managedFields. */
  applied?: KubeObject;
}

function checkPreconditions(request: UpdateRequest, live: KubeObject): void {
  const { type, name } = request;
  const metadata = ensureMetadata(request.body);
  if (metadata.name !== undefined && metadata.name !== '' && metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
    );
  }
  metadata.name = name;
  const rv = metadata.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== metaOf(live).resourceVersion) {
    throw staleResourceVersion(groupResourceOf(type), name);
  }
  if (
    (rv === undefined || rv === '') &&
    request.requireResourceVersion &&
    !type.builtin &&
    request.subresource === undefined
  ) {
    throw invalid({ group: type.group, kind: type.kind, name }, [
      field.invalid('metadata.resourceVersion', '0x0', 'must be specified for an update'),
    ]);
  }
  const uid = metadata.uid;
  if (uid !== undefined && uid !== '' && uid !== metaOf(live).uid) {
    throw conflictMessage(
      groupResourceOf(type),
      name,
      `Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${String(metaOf(live).uid)}`,
    );
  }
}

/** Main-resource writes keep the stored status (status subresource) and Namespace finalizers. */
function mainResourceCandidate(type: ResourceType, body: KubeObject, live: KubeObject): KubeObject {
  const next = body;
  if (type.statusSubresource) {
    if (live.status === undefined) delete next.status;
    else next.status = structuredClone(live.status);
  }
  if (type.kind === 'Namespace' && type.group === '') {
    // Namespace spec.finalizers change only through /finalize.
    next.spec = { ...(isObject(next.spec) ? next.spec : {}), finalizers: namespaceFinalizersOf(live) };
  }
  return next;
}

/** The candidate object: what the endpoint may change, with system metadata from the live object. */
function composeCandidate(request: UpdateRequest, live: KubeObject): KubeObject {
  const { type, body, subresource } = request;
  const liveMeta = metaOf(live);
  let next: KubeObject;
  if (subresource === 'status') {
    next = { ...structuredClone(live), status: body.status };
    if (body.status === undefined) delete next.status;
  } else if (subresource === 'finalize') {
    next = structuredClone(live);
    const spec = isObject(body.spec) ? body.spec : {};
    next.spec = { ...(isObject(next.spec) ? next.spec : {}), finalizers: spec.finalizers ?? [] };
  } else next = mainResourceCandidate(type, body, live);
  const metadata = { ...metaOf(next) };
  for (const key of [
    'uid',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
    'namespace',
  ]) {
    if (liveMeta[key] === undefined) delete metadata[key];
    else metadata[key] = liveMeta[key];
  }
  delete metadata.selfLink;
  if (metadata.managedFields === undefined || subresource !== undefined)
    metadata.managedFields = liveMeta.managedFields;
  next.metadata = metadata;
  next.apiVersion = groupVersionOf(type);
  next.kind = type.kind;
  return next;
}

function nextGeneration(type: ResourceType, live: KubeObject, next: KubeObject): number | undefined {
  const current = metaOf(live).generation as number | undefined;
  if (type.generation === 'none' || current === undefined) return current;
  let changed: boolean;
  if (type.generation === 'non-metadata') {
    const skip = new Set(['metadata', 'apiVersion', 'kind', ...(type.statusSubresource ? ['status'] : [])]);
    const keys = new Set([...Object.keys(live), ...Object.keys(next)].filter((k) => !skip.has(k)));
    changed = [...keys].some((k) => !deepEqual(live[k], next[k]));
  } else {
    changed = !deepEqual(live.spec, next.spec);
    if (type.generation === 'spec-and-annotations') {
      changed ||= !deepEqual(metaOf(live).annotations ?? {}, metaOf(next).annotations ?? {});
    }
  }
  return changed ? current + 1 : current;
}

/** Equal apart from resourceVersion and managedFields timestamps: such a write is not persisted. */
export function isNoOp(live: KubeObject, next: KubeObject): boolean {
  const strip = (obj: KubeObject) => {
    const metadata = { ...metaOf(obj) };
    delete metadata.resourceVersion;
    if (Array.isArray(metadata.managedFields)) {
      metadata.managedFields = metadata.managedFields.map((entry) =>
        isObject(entry) ? { ...entry, time: undefined } : entry,
      );
    }
    return JSON.parse(JSON.stringify({ ...obj, metadata })) as unknown;
  };
  return deepEqual(strip(live), strip(next));
}

function shouldDeleteAfterWrite(obj: KubeObject): boolean {
  if (!isTerminating(obj) || finalizersOf(obj).length > 0) return false;
  return obj.kind !== 'Namespace' || namespaceFinalizersOf(obj).length === 0;
}

/** Admission of a create or an update, then the caller's extra check, then the storage version. */
function admitForStorage(
  core: KubeApiCore,
  type: ResourceType,
  object: KubeObject,
  previous: KubeObject | undefined,
  options: WriteOptions,
): KubeObject {
  const admitted = admit(core, {
    type,
    object,
    previous,
    fieldValidation: options.fieldValidation,
    warnings: options.warnings,
  });
  options.admissionCheck?.(type, admitted);
  admitted.apiVersion = storageApiVersion(type);
  return admitted;
}

/** PUT (and patches, which end here): 200 with the stored object. */
export function updateObject(core: KubeApiCore, request: UpdateRequest, options: WriteOptions): KubeObject {
  const { type, namespace, name, subresource } = request;
  const live = core.mustGet(type, namespace, name);
  checkTypeMeta(request.body, type);
  checkPreconditions(request, live);
  let next = composeCandidate(request, live);
  next = admitForStorage(core, type, next, live, options);
  const generation = nextGeneration(type, live, next);
  if (generation !== undefined) next.metadata = { ...metaOf(next), generation };
  next.metadata = { ...metaOf(next), resourceVersion: metaOf(live).resourceVersion };
  next = withManagedFields(
    core,
    { type, previous: live, next, manager: options.manager, subresource },
    request.applied,
  );
  if (isNoOp(live, next)) return core.view(type, live);
  if (options.dryRun) return core.view(type, next);
  if (shouldDeleteAfterWrite(next)) {
    core.commitDelete(type, live, live);
    return core.view(type, next);
  }
  return core.view(type, core.commitPut(type, next, live));
}
