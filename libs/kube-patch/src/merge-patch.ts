// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively, `null`
// deletes, everything else (arrays included) replaces.

import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';

export function applyMergePatch(doc: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: JsonObject = isJsonObject(doc) ? { ...doc } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * The merge patch turning `original` into `modified`: changed keys, `null` for removed ones.
 * Arrays are compared whole. Returns `{}` when nothing changed.
 */
export function createMergePatch(original: JsonValue, modified: JsonValue): JsonValue {
  if (!isJsonObject(original) || !isJsonObject(modified)) {
    return deepEqual(original, modified) ? {} : structuredClone(modified);
  }
  const patch: JsonObject = {};
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(modified, key)) patch[key] = null;
  }
  for (const [key, value] of Object.entries(modified)) {
    const before = original[key];
    if (before === undefined || value === null) {
      if (before !== value) patch[key] = structuredClone(value);
    } else if (isJsonObject(before) && isJsonObject(value)) {
      const nested = createMergePatch(before, value);
      if (isJsonObject(nested) && Object.keys(nested).length > 0) patch[key] = nested;
    } else if (!deepEqual(before, value)) {
      patch[key] = structuredClone(value);
    }
  }
  return patch;
}
