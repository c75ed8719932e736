// What the double knows about each served resource (group, version, plural, scope, subresources,
// generation rule) and the registry that discovery and routing read. Built-in kinds and Established
// CRDs register the same way; versions of one kind share one storage.
import type { JsonObject, KubeObject } from './json.js';

/** When `metadata.generation` is bumped (kube-api.md §3). */
export type GenerationPolicy =
  /** not tracked: no generation field */
  | 'none'
  /** +1 when spec changes */
  | 'spec'
  /** Deployment: spec or annotations */
  | 'spec-and-annotations'
  /** CRs: anything outside metadata (and status, when the status subresource is on) */
  | 'non-metadata';

export interface ScaleSubresource {
  /** JSON paths as in a CRD: `.spec.replicas`. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  statusSubresource: boolean;
  scale?: ScaleSubresource;
  /** Namespace `/finalize`. */
  finalizeSubresource?: boolean;
  generation: GenerationPolicy;
  /** Built-in kinds take strategic merge patches and PUT without resourceVersion. */
  builtin: boolean;
  /** Field selector fields beyond metadata.name/metadata.namespace, with their readers. */
  selectableFields: Readonly<Record<string, (obj: KubeObject) => string | undefined>>;
  /** Versions of a kind share a storage; this is its key (`group/plural`). */
  storage: string;
  /** The version objects are stored at. */
  storageVersion: string;
  /** Custom resources: the CRD name and this version's schema (openAPIV3Schema). */
  custom?: { crdName: string; schema: JsonObject | undefined };
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function groupVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** `group/version` → {group, version}; `v1` → core. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first, then others by name. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const stage = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}

export interface GroupInfo {
  name: string;
  /** Served versions, preferred first. */
  versions: string[];
}

/** The served resources, indexed for routing and discovery. */
export class ResourceRegistry {
  private readonly byGroupVersion = new Map<string, Map<string, ResourceType>>();
  private readonly listeners = new Set<() => void>();

  register(types: readonly ResourceType[]): void {
    for (const type of types) {
      const gv = groupVersionOf(type);
      let resources = this.byGroupVersion.get(gv);
      if (!resources) {
        resources = new Map();
        this.byGroupVersion.set(gv, resources);
      }
      resources.set(type.plural, type);
    }
    this.changed();
  }

  /** Removes every version of a storage (a CRD that is no longer served). */
  unregisterStorage(storage: string): void {
    for (const [gv, resources] of this.byGroupVersion) {
      for (const [plural, type] of resources) if (type.storage === storage) resources.delete(plural);
      if (resources.size === 0) this.byGroupVersion.delete(gv);
    }
    this.changed();
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byGroupVersion.get(group ? `${group}/${version}` : version)?.get(plural);
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.byGroupVersion.has(group ? `${group}/${version}` : version);
  }

  resourcesOf(group: string, version: string): ResourceType[] {
    const resources = this.byGroupVersion.get(group ? `${group}/${version}` : version);
    return resources ? [...resources.values()].sort((a, b) => (a.plural < b.plural ? -1 : 1)) : [];
  }

  /** Every served version of a storage. */
  versionsOfStorage(storage: string): ResourceType[] {
    const out: ResourceType[] = [];
    for (const resources of this.byGroupVersion.values()) {
      for (const type of resources.values()) if (type.storage === storage) out.push(type);
    }
    return out;
  }

  /** One served version per storage, for controllers that walk all kinds. */
  storages(): ResourceType[] {
    const seen = new Map<string, ResourceType>();
    for (const resources of this.byGroupVersion.values()) {
      for (const type of resources.values()) {
        const known = seen.get(type.storage);
        if (!known || type.version === type.storageVersion) seen.set(type.storage, type);
      }
    }
    return [...seen.values()];
  }

  /** Named groups (not core) with their versions, preferred first. */
  groups(): GroupInfo[] {
    const groups = new Map<string, string[]>();
    for (const gv of this.byGroupVersion.keys()) {
      const { group, version } = parseApiVersion(gv);
      if (!group) continue;
      groups.set(group, [...(groups.get(group) ?? []), version]);
    }
    return [...groups.entries()]
      .map(([name, versions]) => ({ name, versions: versions.sort(compareVersions) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Called after every registration change (discovery caches, CR watch shutdown). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
