// kube-controller-manager's garbage collector, asynchronous like the real one: Background deletes a
// dependent once all its owners are gone, Foreground deletes dependents before releasing the owner
// (finalizer `foregroundDeletion`), Orphan strips ownerReferences first (finalizer `orphan`).
import { finalizersOf, isTerminating } from './core.js';
import { CommitObserver, internalWrite } from './controller-util.js';
import { deleteObject } from './deletion.js';
import { isObject, metaOf, type JsonObject, type KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';
import type { ChangeEvent } from './store.js';
import { updateObject } from './writes.js';

interface ObjectKey {
  storage: string;
  namespace: string;
  name: string;
}

const MANAGER = 'kube-controller-manager';

function ownerUids(obj: KubeObject): string[] {
  const refs = metaOf(obj).ownerReferences;
  return Array.isArray(refs) ? refs.filter(isObject).map((r) => String(r.uid)) : [];
}

export class GarbageCollector extends CommitObserver {
  /** uid → key of every live object. */
  private readonly byUid = new Map<string, ObjectKey>();
  /** owner uid → keys of objects referring to it. */
  private readonly dependents = new Map<string, Map<string, ObjectKey>>();

  protected observe(event: ChangeEvent): void {
    const key: ObjectKey = { storage: event.storage, namespace: event.namespace, name: event.name };
    const id = `${key.storage}\u0000${key.namespace}\u0000${key.name}`;
    const uid = String(metaOf(event.object).uid);
    if (event.previous) for (const owner of ownerUids(event.previous)) this.dependents.get(owner)?.delete(id);
    if (event.type === 'DELETED') {
      this.byUid.delete(uid);
      if (this.dependents.has(uid)) this.queue.add(`orphaned:${uid}`, () => this.collectDependentsOf(uid));
      for (const owner of ownerUids(event.object))
        this.queue.add(`owner:${owner}`, () => this.progressOwner(owner));
      return;
    }
    this.byUid.set(uid, key);
    for (const owner of ownerUids(event.object)) {
      let set = this.dependents.get(owner);
      if (!set) {
        set = new Map();
        this.dependents.set(owner, set);
      }
      set.set(id, key);
    }
    const finalizers = finalizersOf(event.object);
    if (
      isTerminating(event.object) &&
      (finalizers.includes('orphan') || finalizers.includes('foregroundDeletion'))
    ) {
      this.queue.add(`owner:${uid}`, () => this.progressOwner(uid));
    }
    // A dependent losing its last reference to a terminating foreground owner lets the owner go.
    if (event.previous)
      for (const owner of ownerUids(event.previous))
        this.queue.add(`owner:${owner}`, () => this.progressOwner(owner));
  }

  private typeOf(storage: string): ResourceType | undefined {
    return this.core.registry.storages().find((t) => t.storage === storage);
  }

  private load(key: ObjectKey): { type: ResourceType; obj: KubeObject } | undefined {
    const type = this.typeOf(key.storage);
    const obj = type && this.core.get(type, key.namespace, key.name);
    return type && obj ? { type, obj } : undefined;
  }

  /** Background: dependents whose owners are all gone are deleted. */
  private collectDependentsOf(ownerUid: string): void {
    const keys = [...(this.dependents.get(ownerUid)?.values() ?? [])];
    this.dependents.delete(ownerUid);
    for (const key of keys) {
      const found = this.load(key);
      if (!found || isTerminating(found.obj)) continue;
      if (ownerUids(found.obj).some((uid) => this.byUid.has(uid))) continue;
      deleteObject(this.core, found.type, key.namespace, key.name, {
        dryRun: false,
        propagationPolicy: 'Background',
      });
    }
  }

  /** Orphan / Foreground handling for a terminating owner. */
  private progressOwner(ownerUid: string): void {
    const key = this.byUid.get(ownerUid);
    const found = key && this.load(key);
    if (!found || !isTerminating(found.obj)) return;
    const finalizers = finalizersOf(found.obj);
    const dependents = [...(this.dependents.get(ownerUid)?.values() ?? [])];
    if (finalizers.includes('orphan')) {
      for (const dependent of dependents) this.stripOwner(dependent, ownerUid);
      this.dropFinalizer(found.type, found.obj, 'orphan');
      return;
    }
    if (!finalizers.includes('foregroundDeletion')) return;
    let waiting = 0;
    for (const dependent of dependents) {
      const dep = this.load(dependent);
      if (!dep) continue;
      waiting++;
      if (!isTerminating(dep.obj)) {
        deleteObject(this.core, dep.type, dependent.namespace, dependent.name, {
          dryRun: false,
          propagationPolicy: 'Foreground',
        });
      }
    }
    if (waiting === 0) this.dropFinalizer(found.type, found.obj, 'foregroundDeletion');
  }

  private stripOwner(key: ObjectKey, ownerUid: string): void {
    const found = this.load(key);
    if (!found) return;
    const refs = (metaOf(found.obj).ownerReferences as unknown[]).filter(
      (r) => !isObject(r) || r.uid !== ownerUid,
    );
    const metadata: JsonObject = { ...metaOf(found.obj), ownerReferences: refs };
    if (refs.length === 0) delete metadata.ownerReferences;
    updateObject(
      this.core,
      {
        type: found.type,
        namespace: key.namespace,
        name: key.name,
        body: structuredClone({ ...found.obj, metadata }),
        subresource: undefined,
        requireResourceVersion: false,
      },
      internalWrite(MANAGER),
    );
  }

  private dropFinalizer(type: ResourceType, obj: KubeObject, finalizer: string): void {
    const metadata: JsonObject = {
      ...metaOf(obj),
      finalizers: finalizersOf(obj).filter((f) => f !== finalizer),
    };
    updateObject(
      this.core,
      {
        type,
        namespace: String(metadata.namespace ?? ''),
        name: String(metadata.name),
        body: structuredClone({ ...obj, metadata }),
        subresource: undefined,
        requireResourceVersion: false,
      },
      internalWrite(MANAGER),
    );
  }
}
