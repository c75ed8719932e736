// Two-way strategic merge patch creation (what `kubectl` sends): the patch that turns `original`
// into `modified` under the API server's rules. Merge lists of objects list changed items by merge
// key and deletions as `$patch: delete`; merge lists of scalars use `$deleteFromPrimitiveList`; both
// pin the final order with `$setElementOrder`; retainKeys fields carry `$retainKeys`.

import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { fieldSchema, itemSchema, type TypeSchema } from './schema.js';

export function createStrategicMergePatch(
  original: JsonObject,
  modified: JsonObject,
  schema: TypeSchema | undefined,
): JsonObject {
  return diffObjects(original, modified, schema);
}

function diffObjects(original: JsonObject, modified: JsonObject, schema: TypeSchema | undefined): JsonObject {
  const patch: JsonObject = {};
  for (const [key, after] of Object.entries(modified)) {
    const before = original[key];
    if (after === undefined) continue;
    if (before === undefined) patch[key] = structuredClone(after);
    else diffField({ key, before, after, schema: fieldSchema(schema, key) }, patch);
  }
  for (const key of Object.keys(original)) {
    if (modified[key] === undefined && original[key] !== undefined) patch[key] = null;
  }
  if (schema?.patchStrategies.includes('retainKeys') && Object.keys(patch).length > 0) {
    patch.$retainKeys = Object.keys(modified)
      .filter((key) => modified[key] !== null && modified[key] !== undefined)
      .sort();
  }
  return patch;
}

interface FieldDiff {
  readonly key: string;
  readonly before: JsonValue;
  readonly after: JsonValue;
  readonly schema: TypeSchema;
}

function diffField(field: FieldDiff, patch: JsonObject): void {
  const { key, before, after, schema } = field;
  if (isJsonObject(before) && isJsonObject(after) && !schema.patchStrategies.includes('replace')) {
    const nested = diffObjects(before, after, schema);
    if (Object.keys(nested).length > 0) patch[key] = nested;
  } else if (Array.isArray(before) && Array.isArray(after) && isMergeList(schema)) {
    diffMergeList({ key, before, after, schema }, patch);
  } else if (!deepEqual(before, after)) {
    patch[key] = structuredClone(after);
  }
}

function isMergeList(schema: TypeSchema): boolean {
  return schema.kind === 'list' && schema.patchStrategies.includes('merge');
}

function diffMergeList(
  field: FieldDiff & { before: JsonValue[]; after: JsonValue[] },
  patch: JsonObject,
): void {
  const { key, before, after, schema } = field;
  const objects = [...before, ...after].some((item) => isJsonObject(item));
  const mergeKey = schema.kind === 'list' ? schema.patchMergeKey : undefined;
  if (!objects) {
    diffScalarList(field, patch);
  } else if (
    mergeKey &&
    [...before, ...after].every((item) => isJsonObject(item) && item[mergeKey] !== undefined)
  ) {
    diffObjectList({ ...field, mergeKey }, patch);
  } else if (!deepEqual(before, after)) {
    patch[key] = structuredClone(after);
  }
}

function diffScalarList(
  field: FieldDiff & { before: JsonValue[]; after: JsonValue[] },
  patch: JsonObject,
): void {
  const { key, before, after } = field;
  if (deepEqual(before, after)) return;
  const added = after.filter((value) => !before.some((old) => deepEqual(old, value)));
  const deleted = before.filter((value) => !after.some((kept) => deepEqual(kept, value)));
  if (added.length > 0) patch[key] = structuredClone(added);
  if (deleted.length > 0) patch[`$deleteFromPrimitiveList/${key}`] = structuredClone(deleted);
  patch[`$setElementOrder/${key}`] = structuredClone(after);
}

function diffObjectList(
  field: FieldDiff & { before: JsonValue[]; after: JsonValue[]; mergeKey: string },
  patch: JsonObject,
): void {
  const { key, before, after, schema, mergeKey } = field;
  const keyOf = (item: JsonValue) => (item as JsonObject)[mergeKey] as JsonValue;
  const findIn = (list: JsonValue[], item: JsonValue) =>
    list.find((other) => deepEqual(keyOf(other), keyOf(item)));
  const items: JsonValue[] = [];
  for (const item of after) {
    const old = findIn(before, item);
    if (old === undefined) {
      items.push(structuredClone(item));
      continue;
    }
    const nested = diffObjects(old as JsonObject, item as JsonObject, itemSchema(schema));
    if (Object.keys(nested).length > 0) items.push({ ...nested, [mergeKey]: keyOf(item) });
  }
  for (const item of before) {
    if (findIn(after, item) === undefined) items.push({ [mergeKey]: keyOf(item), $patch: 'delete' });
  }
  const sameOrder =
    before.length === after.length &&
    before.every((item, index) => deepEqual(keyOf(item), keyOf(after[index] as JsonValue)));
  if (items.length > 0) patch[key] = items;
  if (items.length > 0 || !sameOrder) {
    patch[`$setElementOrder/${key}`] = after.map((item) => ({ [mergeKey]: keyOf(item) }));
  }
}
