// The merge step of server-side apply: the applied configuration laid over the live object by
// topology. Granular maps merge per key, set/map lists per item (applied items in applied order,
// live-only items kept near their old neighbours), leaves and atomic values take the applied value.
// `null` in the configuration removes the field (Kubernetes drops nulls when decoding objects).

import { PatchError } from './errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { fieldSchema, itemSchema, type TypeSchema } from './schema.js';
import { listItemKeys, nodeShape } from './typed-fields.js';

export function mergeApplied(live: JsonValue | undefined, applied: JsonValue, schema: TypeSchema): JsonValue {
  if (live === undefined || live === null) return withoutNulls(applied);
  const shape = nodeShape(schema, applied);
  if (shape === 'leaf' || shape !== nodeShape(schema, live)) return withoutNulls(applied);
  if (shape === 'map') return mergeMaps(live as JsonObject, applied as JsonObject, schema);
  return mergeLists(live as JsonValue[], applied as JsonValue[], schema);
}

function withoutNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null && child !== undefined) result[key] = withoutNulls(child);
  }
  return result;
}

function mergeMaps(live: JsonObject, applied: JsonObject, schema: TypeSchema): JsonObject {
  const result: JsonObject = { ...live };
  for (const [key, value] of Object.entries(applied)) {
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else result[key] = mergeApplied(live[key], value, fieldSchema(schema, key));
  }
  return result;
}

function mergeLists(live: JsonValue[], applied: JsonValue[], schema: TypeSchema): JsonValue[] {
  const liveKeys = listItemKeys(schema, live);
  const appliedKeys = listItemKeys(schema, applied);
  const appliedByKey = new Map<string, JsonValue>();
  appliedKeys.forEach((key, index) => {
    if (appliedByKey.has(key)) {
      throw new PatchError('DUPLICATE_LIST_KEY', `the applied list names ${key} more than once`, key);
    }
    appliedByKey.set(key, applied[index] as JsonValue);
  });
  const liveByKey = new Map<string, JsonValue>();
  liveKeys.forEach((key, index) => liveByKey.set(key, liveByKey.get(key) ?? (live[index] as JsonValue)));

  const items = itemSchema(schema);
  const result: JsonValue[] = [];
  const emitted = new Set<string>();
  const emitApplied = (key: string): void => {
    emitted.add(key);
    result.push(mergeApplied(liveByKey.get(key), appliedByKey.get(key) as JsonValue, items));
  };
  let liveIndex = 0;
  let appliedIndex = 0;
  while (liveIndex < live.length || appliedIndex < applied.length) {
    const liveKey = liveKeys[liveIndex];
    if (liveKey !== undefined && !appliedByKey.has(liveKey)) {
      result.push(live[liveIndex] as JsonValue);
      liveIndex++;
    } else if (liveKey !== undefined && emitted.has(liveKey)) {
      liveIndex++;
    } else {
      // The next live item is also applied: applied order decides what comes first.
      const appliedKey = appliedKeys[appliedIndex++];
      if (appliedKey !== undefined && !emitted.has(appliedKey)) emitApplied(appliedKey);
    }
  }
  return result;
}
