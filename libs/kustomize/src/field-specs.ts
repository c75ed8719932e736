// Field specs: kustomize's "which field of which kinds" paths (`spec/template/metadata/labels`,
// `spec/containers[]/image`), with `create` meaning missing maps along the path are added.
import { groupVersionOf, kindOf, type KObject } from './resource.js';
import { isObject } from './yaml-io.js';

export interface FieldSpec {
  readonly path: string;
  readonly kind?: string;
  readonly group?: string;
  readonly version?: string;
  readonly create?: boolean;
}

/** What to do with a leaf value: return the new value, or `undefined` to leave it as it is. */
export type LeafUpdate = (value: unknown) => unknown;

export function specMatches(spec: FieldSpec, object: KObject): boolean {
  if (spec.kind !== undefined && spec.kind !== kindOf(object)) return false;
  const { group, version } = groupVersionOf(object);
  if (spec.group !== undefined && spec.group !== group) return false;
  return spec.version === undefined || spec.version === version;
}

/** Applies `update` to every field the spec selects in `object` (when the spec's kind matches). */
export function updateFields(object: KObject, specs: readonly FieldSpec[], update: LeafUpdate): void {
  for (const spec of specs) {
    if (specMatches(spec, object)) updatePath(object, splitPath(spec.path), spec.create ?? false, update);
  }
}

export function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function updatePath(node: KObject, segments: readonly string[], create: boolean, update: LeafUpdate): void {
  const [head, ...rest] = segments;
  if (head === undefined) return;
  const isList = head.endsWith('[]');
  const key = isList ? head.slice(0, -2) : head;
  if (rest.length === 0 && !isList) {
    const next = key in node || create ? update(node[key]) : undefined;
    if (next !== undefined) node[key] = next;
    return;
  }
  let child = node[key];
  if (child === undefined || child === null) {
    if (!create || isList) return;
    child = {};
    node[key] = child;
  }
  // kyaml walks into sequences whether or not the path marks them with `[]`.
  if (Array.isArray(child)) {
    updateListItems(child, rest, create, update);
  } else if (isObject(child)) {
    updatePath(child, rest, create, update);
  }
}

function updateListItems(
  list: unknown[],
  rest: readonly string[],
  create: boolean,
  update: LeafUpdate,
): void {
  for (let index = 0; index < list.length; index += 1) {
    const item = list[index];
    if (rest.length === 0) {
      const next = update(item);
      if (next !== undefined) list[index] = next;
    } else if (isObject(item)) {
      updatePath(item, rest, create, update);
    }
  }
}

/** Sets every key of `values` in the map at the field (creating the map when asked). */
export function mergeStringMap(values: Readonly<Record<string, string>>): LeafUpdate {
  return (current) => {
    if (current !== undefined && current !== null && !isObject(current)) return undefined;
    return { ...(current ?? {}), ...values };
  };
}
