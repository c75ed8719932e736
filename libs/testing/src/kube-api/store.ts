// The in-memory database: one ResourceStore per storage (all versions of a kind), objects indexed by
// namespace and name, a single global resourceVersion counter, a bounded change log per store for
// watch resumption, and subscriber fan-out indexed by namespace.
import type { KubeObject } from './json.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One persisted change. `object` is the new state (DELETED: last state carrying the deletion RV). */
export interface ChangeEvent {
  type: ChangeType;
  rv: number;
  storage: string;
  namespace: string;
  name: string;
  object: KubeObject;
  previous: KubeObject | undefined;
  /** Serialised watch lines, shared by all watchers that see the event the same way. */
  lines?: Map<string, string>;
}

/** Something that wants every change of one store (a watch, a controller). */
export interface StoreSubscriber {
  /** Namespace to watch, or undefined for all namespaces. */
  readonly namespace: string | undefined;
  deliver(event: ChangeEvent): void;
}

export interface StoreLimits {
  /** Change events kept per store for watch resumption. */
  historyPerStore: number;
}

export class ResourceStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private count = 0;
  private log: ChangeEvent[] = [];
  private logHead = 0;
  /** Events with rv ≤ compactedRv are gone: a watch from an older RV gets 410. */
  compactedRv: number;
  private readonly subscribers = new Map<string, Set<StoreSubscriber>>();
  private readonly allNamespaceSubscribers = new Set<StoreSubscriber>();

  constructor(
    readonly key: string,
    private readonly limits: StoreLimits,
    compactedRv: number,
  ) {
    this.compactedRv = compactedRv;
  }

  get size(): number {
    return this.count;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(namespace)?.get(name);
  }

  /** Objects of one namespace (or all), sorted by namespace then name as list paging requires. */
  list(namespace: string | undefined): KubeObject[] {
    if (namespace !== undefined) {
      const names = this.objects.get(namespace);
      return names ? sortedValues(names) : [];
    }
    const out: KubeObject[] = [];
    for (const ns of [...this.objects.keys()].sort())
      out.push(...sortedValues(this.objects.get(ns) as Map<string, KubeObject>));
    return out;
  }

  namespaceCount(namespace: string): number {
    return this.objects.get(namespace)?.size ?? 0;
  }

  /** Stores the object and notifies subscribers; the caller has stamped its resourceVersion. */
  put(event: ChangeEvent): void {
    let names = this.objects.get(event.namespace);
    if (!names) {
      names = new Map();
      this.objects.set(event.namespace, names);
    }
    if (event.type === 'DELETED') {
      if (names.delete(event.name)) this.count--;
      if (names.size === 0) this.objects.delete(event.namespace);
    } else {
      if (!names.has(event.name)) this.count++;
      names.set(event.name, event.object);
    }
    this.append(event);
    this.publish(event);
  }

  private append(event: ChangeEvent): void {
    this.log.push(event);
    if (this.log.length - this.logHead > this.limits.historyPerStore) {
      const dropped = this.log[this.logHead] as ChangeEvent;
      this.log[this.logHead] = undefined as unknown as ChangeEvent;
      this.logHead++;
      this.compactedRv = Math.max(this.compactedRv, dropped.rv);
      // Reclaim the dropped prefix now and then rather than shifting on every write.
      if (this.logHead > 1024 && this.logHead * 2 > this.log.length) {
        this.log = this.log.slice(this.logHead);
        this.logHead = 0;
      }
    }
  }

  /** Events after `rv`, oldest first; undefined if some of them were compacted away. */
  eventsAfter(rv: number): ChangeEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const out: ChangeEvent[] = [];
    for (let i = this.log.length - 1; i >= this.logHead; i--) {
      const event = this.log[i] as ChangeEvent;
      if (event.rv <= rv) break;
      out.push(event);
    }
    return out.reverse();
  }

  /** Drops the whole log (test hook): watches from any earlier RV now get 410. */
  compact(rv: number): void {
    this.log = [];
    this.logHead = 0;
    this.compactedRv = Math.max(this.compactedRv, rv);
  }

  subscribe(subscriber: StoreSubscriber): () => void {
    const set = this.subscriberSet(subscriber.namespace);
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (subscriber.namespace !== undefined && set.size === 0) this.subscribers.delete(subscriber.namespace);
    };
  }

  private subscriberSet(namespace: string | undefined): Set<StoreSubscriber> {
    if (namespace === undefined) return this.allNamespaceSubscribers;
    let set = this.subscribers.get(namespace);
    if (!set) {
      set = new Set();
      this.subscribers.set(namespace, set);
    }
    return set;
  }

  private publish(event: ChangeEvent): void {
    for (const subscriber of [...this.allNamespaceSubscribers]) subscriber.deliver(event);
    const scoped = this.subscribers.get(event.namespace);
    if (scoped) for (const subscriber of [...scoped]) subscriber.deliver(event);
  }
}

function sortedValues(names: Map<string, KubeObject>): KubeObject[] {
  return [...names.keys()].sort().map((name) => names.get(name) as KubeObject);
}

/** All stores plus the global resourceVersion counter. */
export class Database {
  private revision = 0;
  private compactedRv = 0;
  private readonly stores = new Map<string, ResourceStore>();
  private readonly globalSubscribers = new Set<(event: ChangeEvent) => void>();

  constructor(private readonly limits: StoreLimits) {}

  /** The latest resourceVersion handed out. */
  get currentRv(): number {
    return this.revision;
  }

  nextRv(): number {
    return ++this.revision;
  }

  store(key: string): ResourceStore {
    let store = this.stores.get(key);
    if (!store) {
      store = new ResourceStore(key, this.limits, this.compactedRv);
      this.stores.set(key, store);
    }
    return store;
  }

  existingStore(key: string): ResourceStore | undefined {
    return this.stores.get(key);
  }

  /** Persists a change in its store and tells controllers after the store's own watchers. */
  commit(event: ChangeEvent): void {
    this.store(event.storage).put(event);
    for (const subscriber of [...this.globalSubscribers]) subscriber(event);
  }

  /** Controllers (namespace, GC, CRDs, kubelet) see every change of every store. */
  onCommit(subscriber: (event: ChangeEvent) => void): () => void {
    this.globalSubscribers.add(subscriber);
    return () => this.globalSubscribers.delete(subscriber);
  }

  /** Test hook: forget all history so watches from any earlier RV get 410. */
  compact(): void {
    this.compactedRv = this.revision;
    for (const store of this.stores.values()) store.compact(this.revision);
  }

  get compactedRevision(): number {
    return this.compactedRv;
  }
}
