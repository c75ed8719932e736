// Discovery documents (kube-api.md §1): /version, /api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>.
// Main entries come before their subresources, as client-node picks the first entry of a kind.
import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './resource-types.js';

export const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.0',
  gitCommit: '9e8b6b5a0b2f8b8f4f8f8f8f8f8f8f8f8f8f8f8f',
  gitTreeState: 'clean',
  buildDate: '2024-08-13T07:28:49Z',
  goVersion: 'go1.22.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

function storageVersionHash(type: ResourceType): string {
  return createHash('sha256')
    .update(`${type.group}/${type.storageVersion}/${type.kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

const SUB_VERBS = ['get', 'patch', 'update'];

function entriesOf(type: ResourceType): ApiResource[] {
  const main: ApiResource = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    storageVersionHash: storageVersionHash(type),
  };
  if (type.shortNames.length > 0) main.shortNames = type.shortNames;
  if (type.categories.length > 0) main.categories = type.categories;
  const entries = [main];
  const sub = (name: string, extra: Partial<ApiResource> = {}, verbs = SUB_VERBS): ApiResource => ({
    name: `${type.plural}/${name}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: type.kind,
    verbs,
    ...extra,
  });
  if (type.finalizeSubresource) entries.push(sub('finalize', {}, ['update']));
  if (type.scale) entries.push(sub('scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }));
  if (type.statusSubresource) entries.push(sub('status'));
  return entries;
}

export function resourceList(registry: ResourceRegistry, group: string, version: string): unknown {
  const resources = registry.resourcesOf(group, version).flatMap(entriesOf);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

export function coreVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(name: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function groupList(registry: ResourceRegistry): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map((g) => groupDocument(g.name, g.versions)),
  };
}

/** /apis/<group>, or undefined when the group serves nothing. */
export function groupInfo(registry: ResourceRegistry, group: string): unknown {
  const info = registry.groups().find((g) => g.name === group);
  return info
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(info.name, info.versions) }
    : undefined;
}
