// Schema-aware views of a value for server-side apply (structured-merge-diff semantics): which
// field paths it sets, how two values differ path by path, and removing paths from a value.
//
// Topology: scalars, atomic lists and atomic maps are leaves (one owner for the whole value);
// granular maps/structs and set/map lists are walked into. Untyped values deduce it: objects are
// granular maps, lists atomic.

import { PatchError } from './errors.js';
import { type FieldPath, encodePathElement, type PathElement } from './field-path.js';
import { FieldSet } from './field-set.js';
import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { fieldSchema, isDeclaredField, itemSchema, type TypeSchema } from './schema.js';

export type NodeShape = 'leaf' | 'map' | 'list';

/** How a value of `schema` is walked: as one leaf, per key, or per list item. */
export function nodeShape(schema: TypeSchema, value: JsonValue | undefined): NodeShape {
  switch (schema.kind) {
    case 'object':
      return schema.mapType === 'granular' && isJsonObject(value) ? 'map' : 'leaf';
    case 'list':
      return schema.listType !== 'atomic' && Array.isArray(value) ? 'list' : 'leaf';
    case 'untyped':
      return isJsonObject(value) ? 'map' : 'leaf';
    case 'scalar':
      return 'leaf';
  }
}

/** The path element naming `item` in a set or map list: `k:{…}`, `v:…`, or its index as a fallback. */
export function listItemElement(schema: TypeSchema, item: JsonValue, index: number): PathElement {
  if (schema.kind === 'list' && schema.listType === 'map' && isJsonObject(item)) {
    const fields: JsonObject = {};
    for (const key of schema.listMapKeys) {
      const value = item[key] ?? schema.keyDefaults[key];
      if (value !== undefined) fields[key] = value;
    }
    if (Object.keys(fields).length > 0) return { kind: 'key', fields };
  }
  if (schema.kind === 'list' && schema.listType === 'set') return { kind: 'value', value: item };
  return { kind: 'index', index };
}

/** Encoded element per item, in list order. */
export function listItemKeys(schema: TypeSchema, items: readonly JsonValue[]): string[] {
  return items.map((item, index) => encodePathElement(listItemElement(schema, item, index)));
}

function schemaBelow(schema: TypeSchema, element: string): TypeSchema {
  return element.startsWith('f:') ? fieldSchema(schema, element.slice(2)) : itemSchema(schema);
}

function definedEntries(value: JsonObject): [string, JsonValue][] {
  return Object.entries(value).filter((entry): entry is [string, JsonValue] => entry[1] !== undefined);
}

// ---- the fields a value sets ----

/**
 * The set of fields `value` specifies (what an applier owns): leaves, list items, map keys, and
 * fields whose value is null or an empty object. Set and map lists must not repeat an item.
 */
export function toFieldSet(value: JsonValue, schema: TypeSchema): FieldSet {
  const set = new FieldSet();
  collectFields(value, schema, [], set);
  return set;
}

function collectFields(value: JsonValue, schema: TypeSchema, path: string[], set: FieldSet): void {
  const shape = nodeShape(schema, value);
  if (shape === 'leaf') {
    set.insertEncoded(path);
  } else if (shape === 'map') {
    for (const [key, child] of definedEntries(value as JsonObject)) {
      const childPath = [...path, `f:${key}`];
      collectFields(child, fieldSchema(schema, key), childPath, set);
      const empty = child === null || (isJsonObject(child) && Object.keys(child).length === 0);
      if (empty || !isDeclaredField(schema, key)) set.insertEncoded(childPath);
    }
  } else {
    const items = value as JsonValue[];
    const keys = listItemKeys(schema, items);
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    if (duplicate !== undefined) {
      throw new PatchError('DUPLICATE_LIST_KEY', `the list names ${duplicate} more than once`, duplicate);
    }
    items.forEach((item, index) => {
      const childPath = [...path, keys[index] as string];
      collectFields(item, itemSchema(schema), childPath, set);
      set.insertEncoded(childPath);
    });
  }
}

// ---- differences between two values ----

export interface FieldComparison {
  /** Paths present only in the new value (leaves, and whole new maps/items). */
  readonly added: FieldSet;
  /** Leaves present in both with different values. */
  readonly modified: FieldSet;
  /** Paths present only in the old value. */
  readonly removed: FieldSet;
}

export function compareValues(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  schema: TypeSchema,
): FieldComparison {
  const comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareNode({ path: [], before, after, schema }, comparison);
  return comparison;
}

interface CompareStep {
  readonly path: string[];
  readonly before: JsonValue | undefined;
  readonly after: JsonValue | undefined;
  readonly schema: TypeSchema;
  /** A declared field holding a struct: present in both values as far as ownership goes. */
  readonly structField?: boolean;
}

/**
 * Kubernetes compares built-ins as Go structs, where a struct-valued field always exists (zero
 * value), so appearing or disappearing struct fields are not owned as a whole; maps, list items and
 * pointer-like values are.
 */
function isStructField(parent: TypeSchema, key: string): boolean {
  const child = parent.kind === 'object' ? parent.field(key) : undefined;
  return child?.kind === 'object' && child.fieldNames.length > 0;
}

function isEmptyContainer(value: JsonValue): boolean {
  return Array.isArray(value) ? value.length === 0 : isJsonObject(value) && Object.keys(value).length === 0;
}

/** Walk shape for a pair: leaf unless both sides walk the same way; two empty containers are a leaf. */
function pairShape(step: CompareStep): NodeShape {
  const present = [step.before, step.after].filter((value): value is JsonValue => value !== undefined);
  const shapes = present.map((value) => nodeShape(step.schema, value));
  const [first] = shapes;
  if (first === undefined || first === 'leaf' || shapes.some((shape) => shape !== first)) return 'leaf';
  return present.every(isEmptyContainer) ? 'leaf' : first;
}

function compareNode(step: CompareStep, out: FieldComparison): void {
  const { path, before, after, schema } = step;
  const shape = pairShape(step);
  if (shape === 'leaf') {
    if (before === undefined) out.added.insertEncoded(path);
    else if (after === undefined) out.removed.insertEncoded(path);
    else if (!deepEqual(before, after)) out.modified.insertEncoded(path);
    return;
  }
  if (shape === 'map') {
    const left = (before ?? {}) as JsonObject;
    const right = (after ?? {}) as JsonObject;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const child = { path: [...path, `f:${key}`], before: left[key], after: right[key] };
      compareNode(
        { ...child, schema: fieldSchema(schema, key), structField: isStructField(schema, key) },
        out,
      );
    }
  } else {
    compareListItems(step, out);
  }
  if (step.structField) return;
  if (before === undefined) out.added.insertEncoded(path);
  else if (after === undefined) out.removed.insertEncoded(path);
}

function indexItems(schema: TypeSchema, items: readonly JsonValue[]): Map<string, JsonValue> {
  const byKey = new Map<string, JsonValue>();
  listItemKeys(schema, items).forEach((key, index) => {
    if (!byKey.has(key)) byKey.set(key, items[index] as JsonValue);
  });
  return byKey;
}

function compareListItems(step: CompareStep, out: FieldComparison): void {
  const left = indexItems(step.schema, Array.isArray(step.before) ? step.before : []);
  const right = indexItems(step.schema, Array.isArray(step.after) ? step.after : []);
  for (const key of new Set([...right.keys(), ...left.keys()])) {
    const child = { path: [...step.path, key], before: left.get(key), after: right.get(key) };
    compareNode({ ...child, schema: itemSchema(step.schema) }, out);
  }
}

// ---- set helpers that need the schema ----

/**
 * Marks declared struct fields with members below them as members themselves, so pruning a field
 * that no longer has any owner removes the whole field rather than leaving an empty struct.
 */
export function ensureNamedFieldsAreMembers(set: FieldSet, schema: TypeSchema): FieldSet {
  const result = new FieldSet();
  markNamedFields(set, schema, [], result);
  return result;
}

function markNamedFields(node: FieldSet, schema: TypeSchema, prefix: string[], out: FieldSet): void {
  for (const element of node.elements()) {
    const path = [...prefix, element];
    const child = node.child(element);
    const hasChildren = child !== undefined && !child.isEmpty();
    const named = element.startsWith('f:') && isDeclaredField(schema, element.slice(2));
    if (node.hasMember(element) || (hasChildren && named)) out.insertEncoded(path);
    if (child && hasChildren) markNamedFields(child, schemaBelow(schema, element), path, out);
  }
}

/** `value` without the member paths of `remove` (each removed with everything below it). */
export function removeFields(value: JsonValue, schema: TypeSchema, remove: FieldSet): JsonValue {
  if (remove.isEmpty()) return value;
  const shape = nodeShape(schema, value);
  if (shape === 'map') {
    const result: JsonObject = {};
    for (const [key, child] of definedEntries(value as JsonObject)) {
      const element = `f:${key}`;
      if (remove.hasMember(element)) continue;
      const below = remove.child(element);
      result[key] = below ? removeFields(child, fieldSchema(schema, key), below) : child;
    }
    return result;
  }
  if (shape === 'list') {
    const items = value as JsonValue[];
    const keys = listItemKeys(schema, items);
    const result: JsonValue[] = [];
    items.forEach((item, index) => {
      const element = keys[index] as string;
      if (remove.hasMember(element)) return;
      const below = remove.child(element);
      result.push(below ? removeFields(item, itemSchema(schema), below) : item);
    });
    return result;
  }
  return value;
}

/** `value` without the given paths; used to drop fields a subresource does not own (status/spec). */
export function removePaths(value: JsonValue, schema: TypeSchema, paths: readonly FieldPath[]): JsonValue {
  return removeFields(value, schema, FieldSet.fromPaths(paths));
}
