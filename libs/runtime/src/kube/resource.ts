// Object shapes and resource addressing: which URL a kind lives at, and the namespace/name keys
// the cache and the work queue use.

import type { ObjectMeta } from '@flotilla/api';

export type { ObjectMeta };

/** Any Kubernetes object as JSON. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A served resource: where objects of one kind and version live. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, e.g. 'gitrepositories'. */
  plural: string;
  namespaced: boolean;
}

/** Core kinds that controllers read configuration from. */
export const SECRETS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};
export const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};

export function apiVersionOf(resource: Pick<ResourceType, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

function groupVersionPath(resource: Pick<ResourceType, 'group' | 'version'>): string {
  return resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
}

/** Collection path; all namespaces when `namespace` is undefined (or the kind is cluster-scoped). */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  const scope =
    resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(resource)}${scope}/${resource.plural}`;
}

export function objectPath(
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
  subresource?: string,
): string {
  const base = `${collectionPath(resource, resource.namespaced ? (namespace ?? '') : undefined)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}

export interface ObjectKeyParts {
  /** '' for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** `namespace/name`, or `name` for cluster-scoped objects (client-go's MetaNamespaceKeyFunc). */
export function objectKey(obj: ApiObject | ObjectKeyParts): string {
  const meta = 'metadata' in obj ? (obj.metadata ?? {}) : (obj as ObjectKeyParts);
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  return namespace === '' ? name : `${namespace}/${name}`;
}

export function parseObjectKey(key: string): ObjectKeyParts {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const metaOf = (obj: ApiObject): ObjectMeta => obj.metadata ?? {};
