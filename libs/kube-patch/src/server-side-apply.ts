// Server-side apply (`application/apply-patch+yaml`) and managedFields bookkeeping, following
// structured-merge-diff as the API server runs it:
//   1. merge the applied configuration into the live object by topology;
//   2. the manager's Apply entry becomes exactly the applied fields;
//   3. fields the manager applied last time but omits now are removed, unless someone (another
//      manager, or this apply) still owns them or something below them;
//   4. a change to a field another manager owns is a conflict, unless forced: force moves the
//      field to this manager. Applying the value the field already has shares ownership;
//   5. removed fields leave every set; empty entries vanish.

import { ApplyConflictError, type ApplyConflict } from './errors.js';
import { fieldPath, formatFieldPath, type FieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import { isJsonObject, type JsonObject } from './json.js';
import {
  decodeManagedFields,
  finishWrite,
  formatTime,
  managerIdentity,
  stripUnowned,
  withoutManagedFields,
  type ManagedWrite,
  type ManagerFields,
  type ManagerFieldsMap,
} from './managed-fields.js';
import type { TypeSchema } from './schema.js';
import {
  compareValues,
  ensureNamedFieldsAreMembers,
  removeFields,
  removePaths,
  toFieldSet,
} from './typed-fields.js';
import { mergeApplied } from './typed-merge.js';

/** Manager that owns everything of an object that had no managedFields when it is first applied. */
export const BEFORE_FIRST_APPLY_MANAGER = 'before-first-apply';

export interface ServerSideApplyOptions {
  /** The stored object (with its metadata.managedFields); undefined when apply creates it. */
  readonly live: JsonObject | undefined;
  /** The request body. */
  readonly applied: JsonObject;
  /** Field manager (the `fieldManager` query parameter). */
  readonly manager: string;
  /** `force=true`: take conflicting fields instead of failing. */
  readonly force?: boolean;
  readonly schema: TypeSchema;
  /** `status` for an apply to the /status subresource. */
  readonly subresource?: string;
  /** The endpoint's apiVersion, recorded in the manager's entry. */
  readonly apiVersion: string;
  readonly now: Date | string;
  /**
   * The kind has a status subresource: an apply to the main resource drops `status` (and one to
   * /status drops everything but `status`), unowned. Ignored when resetFields is given.
   */
  readonly statusSubresource?: boolean;
  /** Paths dropped from the applied object before anything else; overrides the status defaults. */
  readonly resetFields?: readonly FieldPath[];
}

const IDENTITY_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion']);

/** Paths an apply may not set for this endpoint (see ServerSideApplyOptions.statusSubresource). */
export function applyResetFields(options: {
  readonly applied: JsonObject;
  readonly subresource?: string;
  readonly statusSubresource?: boolean;
}): FieldPath[] {
  if (options.subresource === 'status') {
    const topLevel = Object.keys(options.applied).filter(
      (key) => !['apiVersion', 'kind', 'metadata', 'status'].includes(key),
    );
    const metadata = isJsonObject(options.applied.metadata) ? Object.keys(options.applied.metadata) : [];
    return [
      ...topLevel.map((key) => fieldPath(key)),
      ...metadata.filter((key) => !IDENTITY_METADATA.has(key)).map((key) => fieldPath('metadata', key)),
    ];
  }
  return options.statusSubresource && options.subresource === undefined ? [fieldPath('status')] : [];
}

export function serverSideApply(options: ServerSideApplyOptions): ManagedWrite {
  const { schema } = options;
  const now = formatTime(options.now);
  const applied = withoutManagedFields(options.applied);
  const reset = options.resetFields ?? applyResetFields({ ...options, applied });
  const config = removePaths(applied, schema, reset) as JsonObject;
  const live = options.live ? withoutManagedFields(options.live) : undefined;
  const stored = isJsonObject(options.live?.metadata) ? options.live.metadata.managedFields : undefined;

  const original = decodeManagedFields(stored);
  const managers: ManagerFieldsMap = new Map(original);
  if (live && managers.size === 0)
    recordBeforeFirstApply(managers, { live, schema, apiVersion: options.apiVersion, now });

  const self = managerIdentity({
    manager: options.manager,
    operation: 'Apply',
    subresource: options.subresource,
  });
  const lastSet = managers.get(self)?.fields;
  const appliedFields = toFieldSet(config, schema);
  managers.set(self, {
    manager: options.manager,
    operation: 'Apply',
    apiVersion: options.apiVersion,
    time: now,
    ...(options.subresource ? { subresource: options.subresource } : {}),
    fields: appliedFields,
  });

  const merged = prune(mergeApplied(live ?? {}, config, schema) as JsonObject, { managers, lastSet, schema });
  const comparison = compareValues(live ?? {}, merged, schema);
  const changed = comparison.added.union(comparison.modified);
  const conflicts = findConflicts(managers, self, changed);
  if (conflicts.length > 0 && !options.force) throw new ApplyConflictError(conflicts);

  for (const [id, state] of managers) {
    const kept = id === self ? state.fields : state.fields.difference(changed).difference(comparison.removed);
    managers.set(id, { ...state, fields: stripUnowned(kept) });
  }
  return finishWrite({ before: live, after: merged, stored, original, managers });
}

function recordBeforeFirstApply(
  managers: ManagerFieldsMap,
  context: { live: JsonObject; schema: TypeSchema; apiVersion: string; now: string },
): void {
  const fields = stripUnowned(compareValues({}, context.live, context.schema).added);
  if (fields.isEmpty()) return;
  const entry: ManagerFields = {
    manager: BEFORE_FIRST_APPLY_MANAGER,
    operation: 'Update',
    apiVersion: context.apiVersion,
    time: context.now,
    fields,
  };
  managers.set(managerIdentity(entry), entry);
}

/** Removes what the applier gave up and nobody owns any more (see step 3 above). */
function prune(
  merged: JsonObject,
  context: { managers: ManagerFieldsMap; lastSet: FieldSet | undefined; schema: TypeSchema },
): JsonObject {
  const { lastSet, schema } = context;
  if (!lastSet || lastSet.isEmpty()) return merged;
  let owned = new FieldSet();
  for (const state of context.managers.values()) owned = owned.union(state.fields);
  const abandoned = ensureNamedFieldsAreMembers(lastSet, schema).difference(
    ensureNamedFieldsAreMembers(owned, schema),
  );
  return removeFields(merged, schema, abandoned) as JsonObject;
}

function findConflicts(managers: ManagerFieldsMap, self: string, changed: FieldSet): ApplyConflict[] {
  const conflicts: ApplyConflict[] = [];
  for (const [id, state] of managers) {
    if (id === self) continue;
    for (const path of state.fields.intersection(changed).paths()) {
      conflicts.push({
        manager: state.manager,
        operation: state.operation,
        apiVersion: state.apiVersion,
        ...(state.subresource ? { subresource: state.subresource } : {}),
        field: formatFieldPath(path),
      });
    }
  }
  return conflicts.sort((a, b) => a.manager.localeCompare(b.manager) || a.field.localeCompare(b.field));
}
