// The informer cache: the last seen state of each object, keyed namespace/name, which readers
// (reconcilers, indexers) consult instead of asking the API server.
import { objectKey, type ApiObject } from './resource.js';

export interface StoreDiff<T> {
  added: T[];
  updated: { previous: T; current: T }[];
  deleted: T[];
}

export class ObjectStore<T extends ApiObject = ApiObject> {
  private readonly items = new Map<string, T>();

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string | undefined, name: string): T | undefined {
    return this.items.get(objectKey({ namespace: namespace ?? '', name }));
  }

  /** Objects of one namespace, or all. */
  list(namespace?: string): T[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((obj) => (obj.metadata?.namespace ?? '') === namespace);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Stores `obj`; returns the state it replaced. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const previous = this.items.get(key);
    this.items.set(key, obj);
    return previous;
  }

  remove(key: string): T | undefined {
    const previous = this.items.get(key);
    this.items.delete(key);
    return previous;
  }

  /** Replaces the whole content (after a list); reports what changed. Unchanged RVs are not updates. */
  replace(objects: T[]): StoreDiff<T> {
    const diff: StoreDiff<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const obj of objects) {
      const key = objectKey(obj);
      seen.add(key);
      const previous = this.items.get(key);
      this.items.set(key, obj);
      if (!previous) diff.added.push(obj);
      else if (previous.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        diff.updated.push({ previous, current: obj });
    }
    for (const [key, obj] of this.items) {
      if (seen.has(key)) continue;
      this.items.delete(key);
      diff.deleted.push(obj);
    }
    return diff;
  }
}
