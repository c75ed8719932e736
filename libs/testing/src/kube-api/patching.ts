// PATCH (kube-api.md §4): JSON patch, merge patch, strategic merge (built-ins only; 415 on CRs) and
// server-side apply, all ending in the update (or, for apply, create) pipeline.
import { groupResourceOf, type KubeApiCore } from './core.js';
import {
  badRequest,
  field,
  invalid,
  KubeApiError,
  notFound,
  staleResourceVersion,
  statusBody,
  unsupportedMediaType,
} from './errors.js';
import { parseJsonBody, parseYamlBody } from './http-io.js';
import { isObject, metaOf, type KubeObject } from './json.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';
import { createObject, updateObject, type WriteOptions, type WriteSubresource } from './writes.js';

export type PatchKind = 'json' | 'merge' | 'strategic' | 'apply';

/** The non-apply patch algorithms (provided by @flotilla/kube-patch). */
export interface PatchEngine {
  json(doc: KubeObject, patch: unknown): KubeObject;
  merge(doc: KubeObject, patch: unknown): KubeObject;
  strategic(doc: KubeObject, patch: unknown, type: ResourceType): KubeObject;
  /** Maps the algorithms' own errors to KubeApiErrors (others pass through). */
  translateError(error: unknown, type: ResourceType, name: string): unknown;
}

const MEDIA_TYPES: Record<string, PatchKind> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

/** The patch kind of a Content-Type, or 415 (strategic merge is refused on custom resources). */
export function patchKindOf(mediaType: string, type: ResourceType): PatchKind {
  const kind = MEDIA_TYPES[mediaType];
  if (!kind || (kind === 'strategic' && !type.builtin)) {
    const accepted = type.builtin
      ? 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml'
      : 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
    throw unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    );
  }
  return kind;
}

export interface PatchRequest {
  type: ResourceType;
  namespace: string;
  name: string;
  subresource: WriteSubresource;
  kind: PatchKind;
  body: string;
  force: boolean;
  /** The explicit `fieldManager` parameter (apply requires it). */
  fieldManager: string | undefined;
}

export interface PatchResult {
  object: KubeObject;
  created: boolean;
}

/** Failures inside a patch algorithm (failed `test`, bad path) are 422s, like the API server's. */
function patchFailure(type: ResourceType, name: string, error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KubeApiError({
    ...statusBody(
      422,
      'Invalid',
      `${type.kind}${type.group ? `.${type.group}` : ''} "${name}" is invalid: ${message}`,
    ),
    details: {
      name,
      ...(type.group ? { group: type.group } : {}),
      kind: type.kind,
      causes: [{ reason: 'FieldValueInvalid', message }],
    },
  });
}

function runPatch(engine: PatchEngine, request: PatchRequest, live: KubeObject, patch: unknown): KubeObject {
  const doc = structuredClone(live);
  try {
    if (request.kind === 'json') {
      if (!Array.isArray(patch))
        throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return engine.json(doc, patch);
    }
    if (!isObject(patch)) throw badRequest('the patch must be a JSON object');
    return request.kind === 'merge' ? engine.merge(doc, patch) : engine.strategic(doc, patch, request.type);
  } catch (error) {
    throw patchFailure(request.type, request.name, engine.translateError(error, request.type, request.name));
  }
}

export function patchObject(
  core: KubeApiCore,
  engine: PatchEngine,
  request: PatchRequest,
  options: WriteOptions,
): PatchResult {
  if (request.force && request.kind !== 'apply') {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', name: '' }, [
      field.forbidden('force', 'may not be specified for non-apply patch'),
    ]);
  }
  if (request.kind === 'apply') return applyPatch(core, request, options);
  const live = core.view(request.type, core.mustGet(request.type, request.namespace, request.name));
  const patched = runPatch(engine, request, live, parseJsonBody(request.body));
  const object = updateObject(core, { ...request, body: patched, requireResourceVersion: false }, options);
  return { object, created: false };
}

function checkApplyBody(request: PatchRequest, applied: unknown): KubeObject {
  const { type, name } = request;
  if (!isObject(applied)) throw badRequest('apply patch must be a JSON or YAML object');
  const expected = groupVersionOf(type);
  if (applied.apiVersion !== expected || applied.kind !== type.kind) {
    throw badRequest(
      `the API version in the data (${String(applied.apiVersion ?? '')}) does not match the expected API version (${expected}), or the kind (${String(applied.kind ?? '')}) does not match ${type.kind}`,
    );
  }
  const metadata = isObject(applied.metadata) ? applied.metadata : {};
  if (metadata.name !== name) {
    throw badRequest(
      `the name of the object (${String(metadata.name ?? '')}) does not match the name on the URL (${name})`,
    );
  }
  if (metadata.managedFields !== undefined) {
    throw badRequest('metadata.managedFields must be nil');
  }
  return applied as KubeObject;
}

function applyPatch(core: KubeApiCore, request: PatchRequest, options: WriteOptions): PatchResult {
  const manager = request.fieldManager;
  if (!manager) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', name: '' }, [
      field.required('fieldManager', 'is required for apply patch'),
    ]);
  }
  const applied = checkApplyBody(request, parseYamlBody(request.body));
  const { type, namespace, name, subresource } = request;
  const stored = core.get(type, namespace, name);
  const record = { type, applied, manager, force: request.force, subresource };
  if (!stored) {
    if (subresource !== undefined) throw notFound(groupResourceOf(type), name);
    const created = core.fieldManagers.apply({ ...record, live: undefined });
    const object = createObject(
      core,
      { type, namespace },
      structuredClone(created),
      { ...options, manager },
      created,
    );
    return { object, created: true };
  }
  const rv = metaOf(applied).resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== metaOf(stored).resourceVersion) {
    throw staleResourceVersion(groupResourceOf(type), name);
  }
  const live = core.view(type, stored);
  const merged = core.fieldManagers.apply({ ...record, live });
  const object = updateObject(
    core,
    {
      type,
      namespace,
      name,
      subresource,
      body: structuredClone(merged),
      requireResourceVersion: false,
      applied: merged,
    },
    { ...options, manager },
  );
  return { object, created: false };
}
