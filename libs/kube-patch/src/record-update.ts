// managedFields for every write that is not an apply (create, update, JSON/merge/strategic patch):
// the fields the write added or changed move to the writer's Update entry and out of every other
// entry; removed fields leave every entry. Such writes never conflict.

import { FieldSet } from './field-set.js';
import { isJsonObject, type JsonObject } from './json.js';
import {
  decodeManagedFields,
  finishWrite,
  formatTime,
  managerIdentity,
  stripUnowned,
  withManagedFields,
  withoutManagedFields,
  type ManagedWrite,
  type ManagerFieldsMap,
} from './managed-fields.js';
import type { TypeSchema } from './schema.js';
import { compareValues } from './typed-fields.js';

export interface RecordUpdateOptions {
  /** The stored object; undefined for a create. */
  readonly previous: JsonObject | undefined;
  /** The object about to be stored (after patching/defaulting), as the client sent its metadata. */
  readonly next: JsonObject;
  /** `fieldManager`, else the User-Agent up to the first `/`. */
  readonly manager: string;
  readonly schema: TypeSchema;
  readonly subresource?: string;
  readonly apiVersion: string;
  readonly now: Date | string;
  /**
   * Ignore metadata.managedFields in `next` and keep the stored ones. Defaults to true for
   * subresource writes; main-resource writes may replace managedFields (Flux's cleanup does).
   */
  readonly ignoreRequestManagedFields?: boolean;
}

function managedFieldsOf(object: JsonObject | undefined): unknown {
  return isJsonObject(object?.metadata) ? object.metadata.managedFields : undefined;
}

/** `[{}]` is the documented way to wipe managedFields. */
function isResetRequest(entries: unknown): boolean {
  return (
    Array.isArray(entries) &&
    entries.length === 1 &&
    isJsonObject(entries[0]) &&
    Object.keys(entries[0]).length === 0
  );
}

/**
 * Which ownership the write starts from: managedFields the client sent win (so they can be edited
 * or wiped), otherwise the stored ones.
 */
function startingOwnership(options: RecordUpdateOptions): unknown {
  const requested = managedFieldsOf(options.next);
  const ignore = options.ignoreRequestManagedFields ?? options.subresource !== undefined;
  if (!ignore && isResetRequest(requested)) return [];
  if (!ignore && Array.isArray(requested) && requested.length > 0) return requested;
  return managedFieldsOf(options.previous);
}

export function recordUpdate(options: RecordUpdateOptions): ManagedWrite {
  const { schema } = options;
  const stored = startingOwnership(options);
  const before = options.previous ? withoutManagedFields(options.previous) : undefined;
  const after = withoutManagedFields(options.next);
  const original = decodeManagedFields(stored);
  // Like the API server: an existing object without managedFields (or whose writer wiped them)
  // stays untracked until the next apply.
  if (before && original.size === 0) return { object: withManagedFields(after, []), managedFields: [] };

  const comparison = compareValues(before ?? {}, after, schema);
  const changed = stripUnowned(comparison.added.union(comparison.modified));
  const managers: ManagerFieldsMap = new Map();
  for (const [id, state] of original) {
    managers.set(id, {
      ...state,
      fields: stripUnowned(state.fields.difference(changed).difference(comparison.removed)),
    });
  }
  if (!changed.isEmpty()) {
    const self = managerIdentity({
      manager: options.manager,
      operation: 'Update',
      subresource: options.subresource,
    });
    const previousFields = managers.get(self)?.fields ?? new FieldSet();
    managers.set(self, {
      manager: options.manager,
      operation: 'Update',
      apiVersion: options.apiVersion,
      time: formatTime(options.now),
      ...(options.subresource ? { subresource: options.subresource } : {}),
      fields: previousFields.union(changed),
    });
  }
  return finishWrite({ before, after, stored, original, managers });
}
