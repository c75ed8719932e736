// The patch algorithms and managedFields bookkeeping come from @flotilla/kube-patch; this module
// binds them to ResourceTypes (built-in schemas, CRD schemas) and maps their errors to Status codes.
import {
  ApplyConflictError,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  builtinSchemaFor,
  PatchError,
  recordUpdate,
  schemaFromOpenAPI,
  serverSideApply,
  type JsonObject as PatchJson,
  type TypeSchema,
} from '@flotilla/kube-patch';
import { groupResourceOf, type KubeApiCore } from './core.js';
import { badRequest, conflictMessage, field, invalid } from './errors.js';
import type { KubeObject } from './json.js';
import type { FieldManagers } from './managed-fields.js';
import type { PatchEngine } from './patching.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';

const FREE_FORM = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const schemaCache = new WeakMap<ResourceType, TypeSchema>();

/** The merge topology of a kind: generated schemas for built-ins, the CRD schema for CRs. */
export function typeSchemaOf(type: ResourceType): TypeSchema {
  let schema = schemaCache.get(type);
  if (!schema) {
    schema =
      (type.builtin ? builtinSchemaFor(groupVersionOf(type), type.kind) : undefined) ??
      schemaFromOpenAPI(type.custom?.schema ?? FREE_FORM);
    schemaCache.set(type, schema);
  }
  return schema;
}

/** PatchErrors: malformed documents are 400, failed tests / missing paths / bad directives 422. */
function translate(error: unknown, type: ResourceType, name: string): unknown {
  if (error instanceof ApplyConflictError) {
    return conflictMessage(groupResourceOf(type), name, error.message, error.causes);
  }
  if (!(error instanceof PatchError)) return error;
  if (error.code === 'INVALID_PATCH') return badRequest(error.message);
  const path = error.path ?? '';
  return invalid({ group: type.group, kind: type.kind, name }, [field.invalid(path, '', error.message)]);
}

function guarded<T>(type: ResourceType, name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw translate(error, type, name);
  }
}

const nameOf = (obj: KubeObject) => String((obj.metadata as { name?: unknown } | undefined)?.name ?? '');

export function kubePatchFieldManagers(core: () => KubeApiCore): FieldManagers {
  return {
    update: (record) =>
      recordUpdate({
        previous: record.previous as PatchJson | undefined,
        next: record.next as PatchJson,
        manager: record.manager,
        schema: typeSchemaOf(record.type),
        ...(record.subresource ? { subresource: record.subresource } : {}),
        apiVersion: groupVersionOf(record.type),
        now: core().now(),
      }).managedFields,
    apply: (record) =>
      guarded(
        record.type,
        nameOf(record.applied),
        () =>
          serverSideApply({
            live: record.live as PatchJson | undefined,
            applied: record.applied as PatchJson,
            manager: record.manager,
            force: record.force,
            schema: typeSchemaOf(record.type),
            ...(record.subresource ? { subresource: record.subresource } : {}),
            apiVersion: groupVersionOf(record.type),
            now: core().now(),
            statusSubresource: record.type.statusSubresource,
          }).object as KubeObject,
      ),
  };
}

export function kubePatchEngine(): PatchEngine {
  return {
    json: (doc, patch) => applyJsonPatch(doc as PatchJson, patch) as KubeObject,
    merge: (doc, patch) => applyMergePatch(doc as PatchJson, patch as PatchJson) as KubeObject,
    strategic: (doc, patch, type) =>
      applyStrategicMergePatch(doc as PatchJson, patch as PatchJson, typeSchemaOf(type)) as KubeObject,
    translateError: translate,
  };
}
