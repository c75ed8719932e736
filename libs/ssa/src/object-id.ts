// Object identities as Flux records them: `<namespace>_<name>_<group>_<kind>` inventory ids
// (cli-utils' ObjMetadata encoding, `:` in names written as `__`) and `Kind/namespace/name`
// subjects for change-set logs.
import type { ApiObject } from '@flotilla/runtime';

export interface ObjectRef {
  /** '' for the core group. */
  group: string;
  /** Version the object was applied with (the inventory's `v`). */
  version: string;
  kind: string;
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export interface InventoryEntry {
  id: string;
  v: string;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function apiVersionOfRef(ref: Pick<ObjectRef, 'group' | 'version'>): string {
  return ref.group === '' ? ref.version : `${ref.group}/${ref.version}`;
}

export function refOf(obj: ApiObject): ObjectRef {
  const { group, version } = splitApiVersion(obj.apiVersion ?? '');
  return {
    group,
    version,
    kind: obj.kind ?? '',
    namespace: obj.metadata?.namespace ?? '',
    name: obj.metadata?.name ?? '',
  };
}

/** The inventory id: `<namespace>_<name>_<group>_<kind>`. */
export function inventoryId(ref: Omit<ObjectRef, 'version'>): string {
  return `${ref.namespace}_${ref.name.replaceAll(':', '__')}_${ref.group}_${ref.kind}`;
}

export function inventoryEntry(ref: ObjectRef): InventoryEntry {
  return { id: inventoryId(ref), v: ref.version };
}

/** Reads an inventory entry back; undefined for ids that are not in Flux's format. */
export function parseInventoryEntry(entry: InventoryEntry): ObjectRef | undefined {
  const parts = entry.id.split('_');
  if (parts.length < 4) return undefined;
  const kind = parts[parts.length - 1] ?? '';
  const group = parts[parts.length - 2] ?? '';
  const namespace = parts[0] ?? '';
  const name = parts.slice(1, -2).join('_').replaceAll('__', ':');
  if (kind === '' || name === '') return undefined;
  return { group, version: entry.v, kind, namespace, name };
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (Flux's change-set subjects). */
export function subjectOf(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** Same object regardless of the version it was applied with. */
export function sameObject(a: ObjectRef, b: ObjectRef): boolean {
  return a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}
