// @flotilla/kube-patch: Kubernetes patch and server-side apply semantics (kube-api.md §4) for the
// API-server double, the kustomize engine and the appliers.

export { ApplyConflictError, describeConflictManager, PatchError } from './errors.js';
export type { ApplyConflict, ApplyConflictCause, ApplyOperation, PatchErrorCode } from './errors.js';

export { canonicalJson, deepEqual, isJsonObject } from './json.js';
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';

export { formatJsonPointer, parseJsonPointer } from './json-pointer.js';
export { applyJsonPatch } from './json-patch.js';
export type { JsonPatchOperation } from './json-patch.js';
export { applyMergePatch, createMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch, isDeletePatch } from './strategic-merge.js';
export type { StrategicMergeFlavor, StrategicMergeOptions } from './strategic-merge.js';
export { createStrategicMergePatch } from './strategic-diff.js';

export {
  fieldSchema,
  isDeclaredField,
  itemSchema,
  listSchema,
  objectSchema,
  scalarSchema,
  UNTYPED,
  withPatchStrategies,
} from './schema.js';
export type {
  ListSchema,
  ListSchemaInit,
  ListType,
  MapType,
  ObjectSchema,
  ObjectSchemaInit,
  PatchStrategy,
  ScalarSchema,
  ScalarType,
  TypeSchema,
  UntypedSchema,
} from './schema.js';
export {
  builtinDefinitionSchema,
  builtinKinds,
  builtinSchemaFor,
  objectMetaSchema,
} from './builtin-schemas.js';
export { schemaFromOpenAPI } from './openapi-schema.js';
export type { OpenAPISchemaOptions } from './openapi-schema.js';

export {
  decodePathElement,
  encodePathElement,
  fieldPath,
  formatFieldPath,
  formatPathElement,
} from './field-path.js';
export type { FieldPath, PathElement } from './field-path.js';
export { FieldSet } from './field-set.js';
export {
  compareValues,
  ensureNamedFieldsAreMembers,
  listItemElement,
  removeFields,
  toFieldSet,
} from './typed-fields.js';
export type { FieldComparison } from './typed-fields.js';
export { mergeApplied } from './typed-merge.js';

export {
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  managerIdentity,
  UNOWNED_FIELDS,
} from './managed-fields.js';
export type {
  ManagedFieldsEntry,
  ManagedFieldsOperation,
  ManagedWrite,
  ManagerFields,
  ManagerFieldsMap,
} from './managed-fields.js';
export { applyResetFields, BEFORE_FIRST_APPLY_MANAGER, serverSideApply } from './server-side-apply.js';
export type { ServerSideApplyOptions } from './server-side-apply.js';
export { recordUpdate } from './record-update.js';
export type { RecordUpdateOptions } from './record-update.js';
