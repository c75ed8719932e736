// RFC 6902 JSON patch (`application/json-patch+json`), with the failure modes the API server reports
// as 422: a failed `test`, or a `path`/`from` that does not exist.

import { PatchError } from './errors.js';
import { deepEqual, describeValue, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { arrayIndex, parseJsonPointer } from './json-pointer.js';

export type JsonPatchOperation =
  | { readonly op: 'add'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: JsonValue };

type Container = JsonObject | JsonValue[];

/** Applies the operations in order to a copy of `doc`; all or nothing. */
export function applyJsonPatch(doc: JsonValue, operations: unknown): JsonValue {
  if (!Array.isArray(operations)) {
    throw new PatchError('INVALID_PATCH', 'a JSON patch must be an array of operations');
  }
  let result = structuredClone(doc);
  operations.forEach((operation: unknown, index) => {
    result = applyOperation(result, validateOperation(operation, index));
  });
  return result;
}

function requireString(operation: Record<string, unknown>, field: string, index: number): string {
  const value = operation[field];
  if (typeof value !== 'string') {
    throw new PatchError('INVALID_PATCH', `operation ${index}: '${field}' must be a string`);
  }
  return value;
}

function validateOperation(operation: unknown, index: number): JsonPatchOperation {
  if (!isJsonObject(operation)) throw new PatchError('INVALID_PATCH', `operation ${index} is not an object`);
  const path = requireString(operation, 'path', index);
  const op = operation.op;
  switch (op) {
    case 'add':
    case 'replace':
    case 'test':
      if (!Object.hasOwn(operation, 'value')) {
        throw new PatchError('INVALID_PATCH', `operation ${index} (${op}) requires 'value'`, path);
      }
      return { op, path, value: operation.value as JsonValue };
    case 'remove':
      return { op, path };
    case 'move':
    case 'copy':
      return { op, path, from: requireString(operation, 'from', index) };
    default:
      throw new PatchError('INVALID_PATCH', `operation ${index}: unsupported op ${describeValue(op)}`, path);
  }
}

function applyOperation(doc: JsonValue, operation: JsonPatchOperation): JsonValue {
  switch (operation.op) {
    case 'add':
      return addValue(doc, operation.path, structuredClone(operation.value));
    case 'remove':
      return removeValue(doc, operation.path).doc;
    case 'replace':
      return replaceValue(doc, operation.path, structuredClone(operation.value));
    case 'move': {
      if (operation.path !== operation.from && operation.path.startsWith(`${operation.from}/`)) {
        throw new PatchError(
          'INVALID_PATCH',
          `cannot move ${operation.from} into its own child`,
          operation.path,
        );
      }
      const removed = removeValue(doc, operation.from);
      return addValue(removed.doc, operation.path, removed.value);
    }
    case 'copy':
      return addValue(doc, operation.path, structuredClone(getValue(doc, operation.from)));
    case 'test': {
      const actual = getValue(doc, operation.path);
      if (!deepEqual(actual, operation.value)) {
        throw new PatchError(
          'TEST_FAILED',
          `test failed at ${operation.path}: expected ${describeValue(operation.value)}, found ${describeValue(actual)}`,
          operation.path,
        );
      }
      return doc;
    }
  }
}

/** Resolves every token but the last, returning the container the last token addresses. */
function parentOf(doc: JsonValue, pointer: string): { parent: Container; last: string } {
  const tokens = parseJsonPointer(pointer);
  const last = tokens.pop();
  if (last === undefined) throw new PatchError('INVALID_PATCH', 'the document root has no parent', pointer);
  let node: JsonValue = doc;
  for (const token of tokens) node = child(node, token, pointer);
  if (!Array.isArray(node) && !isJsonObject(node)) {
    throw new PatchError('PATH_NOT_FOUND', `${pointer}: parent is not an object or array`, pointer);
  }
  return { parent: node, last };
}

function child(node: JsonValue, token: string, pointer: string): JsonValue {
  if (Array.isArray(node)) {
    const value = node[arrayIndex(token, node.length, { pointer, allowEnd: false })];
    if (value !== undefined) return value;
  } else if (isJsonObject(node) && Object.hasOwn(node, token)) {
    const value = node[token];
    if (value !== undefined) return value;
  }
  throw new PatchError('PATH_NOT_FOUND', `path not found: ${pointer}`, pointer);
}

function getValue(doc: JsonValue, pointer: string): JsonValue {
  let node = doc;
  for (const token of parseJsonPointer(pointer)) node = child(node, token, pointer);
  return node;
}

function addValue(doc: JsonValue, pointer: string, value: JsonValue): JsonValue {
  if (pointer === '') return value;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    parent.splice(arrayIndex(last, parent.length, { pointer, allowEnd: true }), 0, value);
  } else {
    parent[last] = value;
  }
  return doc;
}

function replaceValue(doc: JsonValue, pointer: string, value: JsonValue): JsonValue {
  if (pointer === '') return value;
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    parent[arrayIndex(last, parent.length, { pointer, allowEnd: false })] = value;
  } else {
    if (!Object.hasOwn(parent, last))
      throw new PatchError('PATH_NOT_FOUND', `path not found: ${pointer}`, pointer);
    parent[last] = value;
  }
  return doc;
}

function removeValue(doc: JsonValue, pointer: string): { doc: JsonValue; value: JsonValue } {
  if (pointer === '') throw new PatchError('INVALID_PATCH', 'cannot remove the document root', pointer);
  const { parent, last } = parentOf(doc, pointer);
  if (Array.isArray(parent)) {
    const [value] = parent.splice(arrayIndex(last, parent.length, { pointer, allowEnd: false }), 1);
    return { doc, value: value ?? null };
  }
  if (!Object.hasOwn(parent, last))
    throw new PatchError('PATH_NOT_FOUND', `path not found: ${pointer}`, pointer);
  const value = parent[last] ?? null;
  delete parent[last];
  return { doc, value };
}
