// The shared state every request handler and controller works on: the database, the served
// resources, allocators for Service addresses, and the commit helpers that stamp resourceVersions.
import { customResourceView } from './custom-resources.js';
import { forbidden, methodNotAllowed, notFound, type GroupResource } from './errors.js';
import type { FieldManagers } from './managed-fields.js';
import { getPath, metaOf, type JsonObject, type KubeObject } from './json.js';
import { groupVersionOf, ResourceRegistry, type ResourceType } from './resource-types.js';
import { Database, type ChangeEvent, type ResourceStore } from './store.js';

export interface CoreOptions {
  /** Change events kept per resource for watch resumption (default 10,000). */
  historyPerStore: number;
  /** How long a list continue token stays valid (default 5 minutes). */
  continueTtlMs: number;
  /** Emulate kube-controller-manager's garbage collector (default true). */
  garbageCollection: boolean;
  /** Empty terminating namespaces and finalize them (default true). */
  namespaceCleanup: boolean;
}

export const DEFAULT_CORE_OPTIONS: CoreOptions = {
  historyPerStore: 10_000,
  continueTtlMs: 5 * 60_000,
  garbageCollection: true,
  namespaceCleanup: true,
};

const CRD_STORAGE = 'apiextensions.k8s.io/customresourcedefinitions';

export function groupResourceOf(type: Pick<ResourceType, 'group' | 'plural'>): GroupResource {
  return { group: type.group, resource: type.plural };
}

export class KubeApiCore {
  readonly db: Database;
  readonly registry = new ResourceRegistry();
  private nextClusterIP = 10;
  private nextNodePort = 30000;
  /** CRD names whose deletion is in progress (the CRD controller's cleanup list). */
  readonly terminatingCrds = new Set<string>();

  constructor(
    readonly options: CoreOptions,
    readonly fieldManagers: FieldManagers,
  ) {
    this.db = new Database({ historyPerStore: options.historyPerStore });
  }

  now(): Date {
    return new Date();
  }

  storeOf(type: ResourceType): ResourceStore {
    return this.db.store(type.storage);
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.db.existingStore(type.storage)?.get(type.namespaced ? namespace : '', name);
  }

  /** The stored object or 404. */
  mustGet(type: ResourceType, namespace: string, name: string): KubeObject {
    const obj = this.get(type, namespace, name);
    if (!obj) throw notFound(groupResourceOf(type), name);
    return obj;
  }

  /** The object as served at `type`'s version (CRs: converted, defaulted, pruned). */
  view(type: ResourceType, obj: KubeObject): KubeObject {
    return type.builtin ? obj : customResourceView(obj, type);
  }

  namespaceType(): ResourceType {
    return this.registry.lookup('', 'v1', 'namespaces') as ResourceType;
  }

  /** Namespaced creates need an existing, active namespace (404 / 403). */
  requireActiveNamespace(type: ResourceType, namespace: string): void {
    const ns = this.db.existingStore('/namespaces')?.get('', namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    if (metaOf(ns).deletionTimestamp) {
      throw forbidden(
        groupResourceOf(type),
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
    }
  }

  requireCrdNotTerminating(type: ResourceType): void {
    const crd = type.custom && this.db.existingStore(CRD_STORAGE)?.get('', type.custom.crdName);
    if (crd && metaOf(crd).deletionTimestamp) {
      throw methodNotAllowed(
        'create not allowed while custom resource definition is terminating',
        groupResourceOf(type),
      );
    }
  }

  allocateClusterIP(): string {
    const n = this.nextClusterIP++;
    return `10.96.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`;
  }

  allocateNodePort(): number {
    const port = this.nextNodePort;
    this.nextNodePort = port >= 32767 ? 30000 : port + 1;
    return port;
  }

  /** Stores a new or changed object under a fresh resourceVersion and emits ADDED/MODIFIED. */
  commitPut(type: ResourceType, obj: KubeObject, previous: KubeObject | undefined): KubeObject {
    const rv = this.db.nextRv();
    const metadata: JsonObject = { ...metaOf(obj), resourceVersion: String(rv) };
    const stored: KubeObject = { ...obj, apiVersion: storageApiVersion(type), metadata };
    const event: ChangeEvent = {
      type: previous ? 'MODIFIED' : 'ADDED',
      rv,
      storage: type.storage,
      namespace: type.namespaced ? String(metadata.namespace ?? '') : '',
      name: String(metadata.name),
      object: stored,
      previous,
    };
    this.db.commit(event);
    return stored;
  }

  /** Removes an object; watchers get DELETED with `lastState` carrying the deletion's resourceVersion. */
  commitDelete(type: ResourceType, lastState: KubeObject, previous: KubeObject): KubeObject {
    const rv = this.db.nextRv();
    const object: KubeObject = {
      ...lastState,
      metadata: { ...metaOf(lastState), resourceVersion: String(rv) },
    };
    this.db.commit({
      type: 'DELETED',
      rv,
      storage: type.storage,
      namespace: type.namespaced ? String(metaOf(previous).namespace ?? '') : '',
      name: String(metaOf(previous).name),
      object,
      previous,
    });
    return object;
  }

  /** Every served kind's storage type, for controllers walking all objects of a namespace. */
  namespacedStorages(): ResourceType[] {
    return this.registry.storages().filter((t) => t.namespaced);
  }
}

/** Objects are stored at the storage version; built-ins have only one. */
export function storageApiVersion(type: ResourceType): string {
  return groupVersionOf({ group: type.group, version: type.storageVersion });
}

export function isTerminating(obj: KubeObject): boolean {
  return Boolean(metaOf(obj).deletionTimestamp);
}

export function finalizersOf(obj: KubeObject): string[] {
  const list = metaOf(obj).finalizers;
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [];
}

/** Namespace spec.finalizers (the `kubernetes` finalizer lives there, not in metadata). */
export function namespaceFinalizersOf(obj: KubeObject): string[] {
  const list = getPath(obj, ['spec', 'finalizers']);
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [];
}
