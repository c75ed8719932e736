// Field paths as server-side apply names them (structured-merge-diff): a path is a list of elements,
// each a struct/map field (`f:name`), a keyed list item (`k:{"name":"web"}`), a set item
// (`v:"value"`) or, rarely, a list index (`i:0`). Conflict messages print them as
// `.spec.containers[name="web"].image`.

import { PatchError } from './errors.js';
import { canonicalJson, isJsonObject, type JsonObject, type JsonValue } from './json.js';

export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: Readonly<JsonObject> }
  | { readonly kind: 'value'; readonly value: JsonValue }
  | { readonly kind: 'index'; readonly index: number };

export type FieldPath = readonly PathElement[];

export function fieldElement(name: string): PathElement {
  return { kind: 'field', name };
}

/** A path made of field names only: `fieldPath('spec', 'replicas')`. */
export function fieldPath(...names: string[]): FieldPath {
  return names.map(fieldElement);
}

/** The FieldsV1 spelling of an element; equal elements always encode identically. */
export function encodePathElement(element: PathElement): string {
  switch (element.kind) {
    case 'field':
      return `f:${element.name}`;
    case 'key':
      return `k:${canonicalJson(element.fields as JsonObject)}`;
    case 'value':
      return `v:${canonicalJson(element.value)}`;
    case 'index':
      return `i:${element.index}`;
  }
}

function parseJsonText(text: string, encoded: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new PatchError('INVALID_FIELDS_V1', `malformed path element ${encoded}`);
  }
}

export function decodePathElement(encoded: string): PathElement {
  const prefix = encoded.slice(0, 2);
  const body = encoded.slice(2);
  switch (prefix) {
    case 'f:':
      return { kind: 'field', name: body };
    case 'k:': {
      const fields = parseJsonText(body, encoded);
      if (!isJsonObject(fields))
        throw new PatchError('INVALID_FIELDS_V1', `key element ${encoded} is not an object`);
      return { kind: 'key', fields };
    }
    case 'v:':
      return { kind: 'value', value: parseJsonText(body, encoded) };
    case 'i:':
      if (!/^(0|[1-9][0-9]*)$/.test(body))
        throw new PatchError('INVALID_FIELDS_V1', `bad index element ${encoded}`);
      return { kind: 'index', index: Number(body) };
    default:
      throw new PatchError('INVALID_FIELDS_V1', `unknown path element ${encoded}`);
  }
}

/** Re-encodes an element read from a FieldsV1 trie so equal elements compare equal. */
export function canonicalPathElement(encoded: string): string {
  return encodePathElement(decodePathElement(encoded));
}

/** Go-style rendering of a value inside a path: strings quoted, numbers and booleans bare. */
function valueText(value: JsonValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : canonicalJson(value);
}

export function formatPathElement(element: PathElement): string {
  switch (element.kind) {
    case 'field':
      return `.${element.name}`;
    case 'key':
      return `[${Object.keys(element.fields)
        .sort()
        .map((name) => `${name}=${valueText(element.fields[name] as JsonValue)}`)
        .join(',')}]`;
    case 'value':
      return `[=${valueText(element.value)}]`;
    case 'index':
      return `[${element.index}]`;
  }
}

/** `.spec.template.spec.containers[name="web"].image`, as in apply conflict causes. */
export function formatFieldPath(path: FieldPath): string {
  return path.map(formatPathElement).join('');
}
