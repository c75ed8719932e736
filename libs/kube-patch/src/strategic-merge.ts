// Strategic merge patch (`application/strategic-merge-patch+json`, and kustomize patchesStrategicMerge).
//
// Like a JSON merge patch (objects merge, `null` deletes, scalars replace), plus per-field list
// strategies from the schema: lists whose patch strategy is `merge` merge by their merge key (lists of
// objects) or by value (lists of scalars, e.g. finalizers: a shorter list removes nothing); other lists
// are replaced. Directives:
//   $patch: replace | delete | merge   on an object (or as a list element: replace the list / delete by key)
//   $retainKeys: [fields]             drop every field not listed (strategy retainKeys, e.g. volumes)
//   $setElementOrder/<list>: [...]    final order of a merged list
//   $deleteFromPrimitiveList/<list>   values to remove from a merged list of scalars
//
// kustomize differences (flavor 'kustomize', kyaml merge2 as kustomize's patchesStrategicMerge runs it):
//   - items the patch mentions move to the front of the list (ListIncreaseDirection=Prepend);
//   - associative lists match items on all x-kubernetes-list-map-keys when declared (container ports by
//     containerPort+protocol, a key missing on one side matching anything), not just the merge key;
//   - `$patch: delete` on an object removes the field (the API server leaves `{}`), and `$patch: merge`
//     is accepted as a no-op (the API server rejects it);
//   - a top-level `$patch: delete` deletes the whole resource: check isDeletePatch() before applying.
// kyaml documents only `$patch`; the other directives follow the API server's rules in both flavours.

import { PatchError } from './errors.js';
import {
  canonicalJson,
  deepEqual,
  describeValue,
  isJsonObject,
  type JsonObject,
  type JsonValue,
} from './json.js';
import { orderMergedList, type SameItem } from './list-order.js';
import { fieldSchema, itemSchema, type ListSchema, type TypeSchema } from './schema.js';

export type StrategicMergeFlavor = 'apiserver' | 'kustomize';

export interface StrategicMergeOptions {
  /** 'apiserver' (default): the Kubernetes PATCH semantics. 'kustomize': kyaml merge2 semantics. */
  readonly flavor?: StrategicMergeFlavor;
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

/** A value patched with `$patch: delete` in the kustomize flavour: the field goes away. */
const REMOVED = Symbol('removed');
type Merged = JsonValue | typeof REMOVED;

interface Context {
  readonly flavor: StrategicMergeFlavor;
}

/** Applies `patch` to a copy of `doc`. `schema` undefined: no list strategies (every list replaced). */
export function applyStrategicMergePatch(
  doc: JsonObject,
  patch: JsonObject,
  schema: TypeSchema | undefined,
  options: StrategicMergeOptions = {},
): JsonObject {
  if (!isJsonObject(patch))
    throw new PatchError('INVALID_PATCH', 'a strategic merge patch must be an object');
  const merged = mergeObject(doc, patch, schema, { flavor: options.flavor ?? 'apiserver' });
  return merged === REMOVED ? {} : (merged as JsonObject);
}

/** A patch document that deletes its target (`$patch: delete` at the top): kustomize drops the resource. */
export function isDeletePatch(patch: JsonValue): boolean {
  return isJsonObject(patch) && patch[DIRECTIVE] === 'delete';
}

function mergeObject(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: TypeSchema | undefined,
  context: Context,
): Merged {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') return materialize(withoutKey(patch, DIRECTIVE), schema, context);
  if (directive === 'delete') return context.flavor === 'kustomize' ? REMOVED : {};
  if (directive !== undefined && !(directive === 'merge' && context.flavor === 'kustomize')) {
    throw new PatchError(
      'INVALID_DIRECTIVE',
      `unsupported ${DIRECTIVE} directive ${describeValue(directive)}`,
    );
  }
  const result: JsonObject = original ? { ...original } : {};
  applyRetainKeys(result, patch);
  const ordered = applySetElementOrder(result, patch, schema, context);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$') || ordered.has(key)) continue;
    setMerged(
      result,
      key,
      value === null ? REMOVED : mergeValue(result[key], value, fieldSchema(schema, key), context),
    );
  }
  applyPrimitiveDeletions(result, patch);
  return result;
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

function setMerged(target: JsonObject, key: string, value: Merged): void {
  if (value === REMOVED) delete target[key];
  else target[key] = value;
}

/** The value a patch fragment stands for when there is nothing to merge it into. */
function materialize(patch: JsonValue, schema: TypeSchema | undefined, context: Context): Merged {
  return mergeValue(undefined, patch, schema, context);
}

function mergeValue(
  original: JsonValue | undefined,
  patch: JsonValue,
  schema: TypeSchema | undefined,
  context: Context,
): Merged {
  const strategies = schema?.patchStrategies ?? [];
  if (isJsonObject(patch)) {
    const base = isJsonObject(original) && !strategies.includes('replace') ? original : undefined;
    return mergeObject(base, patch, schema, context);
  }
  if (Array.isArray(patch)) {
    if (schema?.kind === 'list' && strategies.includes('merge')) {
      return mergeList(Array.isArray(original) ? original : [], patch, schema, context);
    }
    return replaceList(patch, schema, context);
  }
  return patch;
}

function replaceList(patch: JsonValue[], schema: TypeSchema | undefined, context: Context): JsonValue[] {
  const items: JsonValue[] = [];
  for (const item of patch) {
    if (isJsonObject(item) && item[DIRECTIVE] !== undefined) continue;
    const value = materialize(item, itemSchema(schema), context);
    if (value !== REMOVED) items.push(value);
  }
  return items;
}

function applyRetainKeys(result: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return;
  if (!Array.isArray(retain) || !retain.every((key) => typeof key === 'string')) {
    throw new PatchError('INVALID_DIRECTIVE', `${RETAIN_KEYS} must be a list of field names`);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !key.startsWith('$') && !retain.includes(key)) {
      throw new PatchError(
        'INVALID_DIRECTIVE',
        `${RETAIN_KEYS} does not list '${key}', which the patch sets`,
      );
    }
  }
  for (const key of Object.keys(result)) {
    if (!retain.includes(key)) delete result[key];
  }
}

function applyPrimitiveDeletions(result: JsonObject, patch: JsonObject): void {
  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const listKey = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
    if (!Array.isArray(values)) throw new PatchError('INVALID_DIRECTIVE', `${key} must be a list`);
    const current = result[listKey];
    if (current === undefined) continue;
    if (!Array.isArray(current))
      throw new PatchError('INVALID_DIRECTIVE', `${key}: '${listKey}' is not a list`);
    result[listKey] = current.filter((item) => !values.some((value) => deepEqual(value, item)));
  }
}

function directiveTarget(key: string, prefix: string): string {
  const target = key.slice(prefix.length);
  if (target === '') throw new PatchError('INVALID_DIRECTIVE', `${key} names no field`);
  return target;
}

// ---- lists ----

function mergeKeys(schema: ListSchema, context: Context): string[] {
  if (context.flavor === 'kustomize' && schema.listMapKeys.length > 0) return [...schema.listMapKeys];
  return schema.patchMergeKey ? [schema.patchMergeKey] : [];
}

/** Item identity for a merge list: equal scalars, or objects agreeing on the merge key(s). */
function itemMatcher(keys: readonly string[], context: Context): SameItem {
  if (keys.length === 0) return (left, right) => canonicalJson(left) === canonicalJson(right);
  const [key] = keys;
  if (keys.length === 1 && key !== undefined) return exactKeyMatcher(key);
  return context.flavor === 'kustomize' ? partialKeyMatcher(keys) : exactKeyMatcher(keys[0] ?? '');
}

function exactKeyMatcher(key: string): SameItem {
  return (left, right) =>
    isJsonObject(left) && isJsonObject(right) && left[key] !== undefined && deepEqual(left[key], right[key]);
}

/** kyaml: a key missing on one side matches anything, but at least one key must agree. */
function partialKeyMatcher(keys: readonly string[]): SameItem {
  return (left, right) => {
    if (!isJsonObject(left) || !isJsonObject(right)) return false;
    let agreed = false;
    for (const key of keys) {
      if (left[key] === undefined || right[key] === undefined) continue;
      if (!deepEqual(left[key], right[key])) return false;
      agreed = true;
    }
    return agreed;
  };
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  schema: ListSchema,
  context: Context,
): JsonValue[] {
  const objects = [...original, ...patch].some((item) => isJsonObject(item));
  if (!objects) {
    const merged = [...original];
    for (const value of patch) if (!merged.some((item) => deepEqual(item, value))) merged.push(value);
    const same = itemMatcher([], context);
    return orderMergedList({
      merged,
      patchOrder: patch,
      serverOrder: original,
      same,
      flavor: context.flavor,
    });
  }
  const keys = mergeKeys(schema, context);
  if (keys.length === 0) {
    throw new PatchError('MISSING_MERGE_KEY', 'cannot merge a list of objects without a merge key');
  }
  const same = itemMatcher(keys, context);
  const { working, items, replace } = splitSpecialElements(original, patch, { keys, same, context });
  if (replace) return replaceList(items, schema, context);
  const merged = [...working];
  for (const item of items) {
    const index = merged.findIndex((candidate) => same(candidate, item));
    const value = mergeObject(
      index >= 0 ? (merged[index] as JsonObject) : undefined,
      item,
      schema.items,
      context,
    );
    if (index < 0 && value !== REMOVED) merged.push(value);
    else if (index >= 0 && value === REMOVED) merged.splice(index, 1);
    else if (index >= 0) merged[index] = value as JsonValue;
  }
  return orderMergedList({ merged, patchOrder: items, serverOrder: original, same, flavor: context.flavor });
}

interface SpecialElements {
  /** The original list minus items deleted with `$patch: delete`. */
  readonly working: JsonValue[];
  /** Patch items without directives (or, after `$patch: replace`, the replacement). */
  readonly items: JsonObject[];
  readonly replace: boolean;
}

function splitSpecialElements(
  original: JsonValue[],
  patch: JsonValue[],
  match: { keys: readonly string[]; same: SameItem; context: Context },
): SpecialElements {
  let working = [...original];
  const items: JsonObject[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isJsonObject(item))
      throw new PatchError('INVALID_PATCH', `merge list item ${describeValue(item)} is not an object`);
    const directive = item[DIRECTIVE];
    if (directive === undefined || (directive === 'merge' && match.context.flavor === 'kustomize')) {
      requireMergeKey(item, match.keys, match.context);
      items.push(directive === undefined ? item : withoutKey(item, DIRECTIVE));
    } else if (directive === 'delete') {
      requireMergeKey(item, match.keys, match.context);
      working = working.filter((candidate) => !match.same(candidate, item));
    } else if (directive === 'replace') {
      replace = true;
    } else {
      throw new PatchError(
        'INVALID_DIRECTIVE',
        `unsupported list element ${DIRECTIVE} ${describeValue(directive)}`,
      );
    }
  }
  return { working, items, replace };
}

function requireMergeKey(item: JsonObject, keys: readonly string[], context: Context): void {
  const present = keys.filter((key) => item[key] !== undefined);
  const enough = context.flavor === 'kustomize' ? present.length > 0 : present.length === keys.length;
  if (!enough) {
    throw new PatchError(
      'MISSING_MERGE_KEY',
      `list item ${describeValue(item)} has no merge key ${keys.join('+')}`,
    );
  }
}

// ---- $setElementOrder ----

/** Merges and orders every list named by a `$setElementOrder/<list>` directive; returns their keys. */
function applySetElementOrder(
  result: JsonObject,
  patch: JsonObject,
  schema: TypeSchema | undefined,
  context: Context,
): Set<string> {
  const handled = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const listKey = directiveTarget(key, SET_ELEMENT_ORDER);
    if (!Array.isArray(order)) throw new PatchError('INVALID_DIRECTIVE', `${key} must be a list`);
    const listSchemaOf = fieldSchema(schema, listKey);
    const original = Array.isArray(result[listKey]) ? (result[listKey] as JsonValue[]) : undefined;
    const patchList = patch[listKey];
    handled.add(listKey);
    if (patchList === null) {
      delete result[listKey];
      continue;
    }
    if (patchList !== undefined && !Array.isArray(patchList)) {
      throw new PatchError(
        'INVALID_DIRECTIVE',
        `${key} orders '${listKey}', which the patch sets to a non-list`,
      );
    }
    const merged =
      patchList === undefined ? original : mergeValue(original, patchList, listSchemaOf, context);
    if (!Array.isArray(merged)) continue;
    const same = orderMatcher(listSchemaOf, order, context);
    validateRelativeOrder(patchList ?? [], order, same, key);
    result[listKey] = orderMergedList({
      merged,
      patchOrder: order,
      serverOrder: original ?? [],
      same,
      flavor: context.flavor,
    });
  }
  return handled;
}

function orderMatcher(schema: TypeSchema, order: JsonValue[], context: Context): SameItem {
  const objects = order.some((item) => isJsonObject(item));
  if (!objects || schema.kind !== 'list') return itemMatcher([], context);
  // `$setElementOrder` items carry only the merge key, so match on whichever keys they have.
  return partialKeyMatcher(mergeKeys(schema, context));
}

/** The patch list's items must appear in the `$setElementOrder` list, in the same relative order. */
function validateRelativeOrder(
  patchList: JsonValue[],
  order: JsonValue[],
  same: SameItem,
  key: string,
): void {
  let position = 0;
  for (const item of patchList) {
    if (isJsonObject(item) && item[DIRECTIVE] !== undefined) continue;
    while (position < order.length && !same(order[position] as JsonValue, item)) position++;
    if (position >= order.length) {
      throw new PatchError('INVALID_DIRECTIVE', `the order of the patch list does not match ${key}`);
    }
    position++;
  }
}
