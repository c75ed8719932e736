// metadata.managedFields: one entry per manager + operation + subresource, each owning a FieldSet.

import { PatchError } from './errors.js';
import { fieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';

export type ManagedFieldsOperation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: ManagedFieldsOperation;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

/** An entry decoded for bookkeeping. */
export interface ManagerFields {
  readonly manager: string;
  readonly operation: ManagedFieldsOperation;
  readonly apiVersion: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly fields: FieldSet;
}

/** Entries keyed by managerIdentity(). */
export type ManagerFieldsMap = Map<string, ManagerFields>;

export function managerIdentity(entry: {
  manager: string;
  operation: ManagedFieldsOperation;
  subresource?: string | undefined;
}): string {
  return JSON.stringify([entry.manager, entry.operation, entry.subresource ?? '']);
}

/**
 * Never owned by anyone: identity and server-maintained metadata (Kubernetes strips these from
 * every manager's set). `metadata` itself is stripped as a member only; its children stay.
 */
export const UNOWNED_FIELDS: FieldSet = FieldSet.fromPaths([
  fieldPath('apiVersion'),
  fieldPath('kind'),
  fieldPath('metadata'),
  ...[
    'name',
    'namespace',
    'creationTimestamp',
    'selfLink',
    'uid',
    'clusterName',
    'generation',
    'managedFields',
    'resourceVersion',
  ].map((field) => fieldPath('metadata', field)),
]);

export function stripUnowned(fields: FieldSet): FieldSet {
  return fields.difference(UNOWNED_FIELDS);
}

/** RFC 3339 UTC with whole seconds, as metav1.Time serialises. */
export function formatTime(now: Date | string): string {
  const date = typeof now === 'string' ? new Date(now) : now;
  if (Number.isNaN(date.getTime())) throw new PatchError('INVALID_PATCH', `not a time: ${String(now)}`);
  return `${date.toISOString().slice(0, 19)}Z`;
}

function decodeEntry(entry: unknown, index: number): ManagerFields {
  if (!isJsonObject(entry))
    throw new PatchError('INVALID_FIELDS_V1', `managedFields[${index}] is not an object`);
  const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = entry;
  if (typeof manager !== 'string')
    throw new PatchError('INVALID_FIELDS_V1', `managedFields[${index}].manager missing`);
  if (operation !== 'Apply' && operation !== 'Update') {
    throw new PatchError('INVALID_FIELDS_V1', `managedFields[${index}].operation must be Apply or Update`);
  }
  if (fieldsType !== undefined && fieldsType !== 'FieldsV1') {
    throw new PatchError('INVALID_FIELDS_V1', `managedFields[${index}].fieldsType must be FieldsV1`);
  }
  return {
    manager,
    operation,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : '',
    ...(typeof time === 'string' ? { time } : {}),
    ...(typeof subresource === 'string' && subresource !== '' ? { subresource } : {}),
    fields: fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(fieldsV1),
  };
}

/** Decodes metadata.managedFields; entries sharing an identity are merged. */
export function decodeManagedFields(entries: unknown): ManagerFieldsMap {
  const managers: ManagerFieldsMap = new Map();
  if (entries === undefined || entries === null) return managers;
  if (!Array.isArray(entries))
    throw new PatchError('INVALID_FIELDS_V1', 'metadata.managedFields must be a list');
  entries.forEach((raw: unknown, index) => {
    const entry = decodeEntry(raw, index);
    const id = managerIdentity(entry);
    const existing = managers.get(id);
    managers.set(id, existing ? { ...entry, fields: existing.fields.union(entry.fields) } : entry);
  });
  return managers;
}

/** Kubernetes' order: Apply before Update, then by time, manager, apiVersion, subresource. */
function compareEntries(left: ManagedFieldsEntry, right: ManagedFieldsEntry): number {
  const keys: [string, string][] = [
    [left.operation, right.operation],
    [left.time ?? '', right.time ?? ''],
    [left.manager, right.manager],
    [left.apiVersion, right.apiVersion],
    [left.subresource ?? '', right.subresource ?? ''],
  ];
  for (const [a, b] of keys) if (a !== b) return a < b ? -1 : 1;
  return 0;
}

/** Encodes the non-empty entries in Kubernetes' order. */
export function encodeManagedFields(managers: ManagerFieldsMap): ManagedFieldsEntry[] {
  const entries: ManagedFieldsEntry[] = [];
  for (const state of managers.values()) {
    if (state.fields.isEmpty()) continue;
    entries.push({
      manager: state.manager,
      operation: state.operation,
      apiVersion: state.apiVersion,
      ...(state.time !== undefined ? { time: state.time } : {}),
      fieldsType: 'FieldsV1',
      fieldsV1: state.fields.toFieldsV1(),
      ...(state.subresource ? { subresource: state.subresource } : {}),
    });
  }
  return entries.sort(compareEntries);
}

export function sameManagedSets(left: ManagerFieldsMap, right: ManagerFieldsMap): boolean {
  const nonEmpty = (map: ManagerFieldsMap) => [...map].filter(([, state]) => !state.fields.isEmpty());
  const a = nonEmpty(left);
  const b = new Map(nonEmpty(right));
  return (
    a.length === b.size &&
    a.every(([id, state]) => {
      const other = b.get(id);
      return (
        other !== undefined && other.apiVersion === state.apiVersion && other.fields.equals(state.fields)
      );
    })
  );
}

/** The object without metadata.managedFields (bookkeeping never compares or merges it). */
export function withoutManagedFields(object: JsonObject): JsonObject {
  const metadata = object.metadata;
  if (!isJsonObject(metadata) || !Object.hasOwn(metadata, 'managedFields')) return object;
  const { managedFields: _managedFields, ...rest } = metadata;
  return { ...object, metadata: rest };
}

/** The object carrying `managedFields` (removed when there are none). */
export function withManagedFields(
  object: JsonObject,
  managedFields: readonly ManagedFieldsEntry[],
): JsonObject {
  const metadata = isJsonObject(object.metadata) ? object.metadata : {};
  const { managedFields: _previous, ...rest } = metadata;
  if (managedFields.length === 0) return { ...object, metadata: rest };
  return { ...object, metadata: { ...rest, managedFields: managedFields as unknown as JsonValue } };
}

/** What a write returns: the object to store (with metadata.managedFields) and its entries. */
export interface ManagedWrite {
  readonly object: JsonObject;
  readonly managedFields: ManagedFieldsEntry[];
}

export interface FinishWriteInput {
  /** The stored object without managedFields; undefined on create. */
  readonly before: JsonObject | undefined;
  readonly after: JsonObject;
  /** The stored metadata.managedFields, verbatim. */
  readonly stored: unknown;
  /** Ownership before the write, as decoded from `stored`. */
  readonly original: ManagerFieldsMap;
  readonly managers: ManagerFieldsMap;
}

/**
 * Encodes the new ownership. A write that changes neither the object nor anyone's fields keeps the
 * stored entries verbatim, timestamps included, so it stays a no-op (Kubernetes reverts
 * timestamp-only managedFields changes for the same reason).
 */
export function finishWrite(input: FinishWriteInput): ManagedWrite {
  const unchanged =
    input.before !== undefined &&
    Array.isArray(input.stored) &&
    deepEqual(input.before, input.after) &&
    sameManagedSets(input.original, input.managers);
  const managedFields = unchanged
    ? (structuredClone(input.stored) as ManagedFieldsEntry[])
    : encodeManagedFields(input.managers);
  return { object: withManagedFields(input.after, managedFields), managedFields };
}
