// kube-controller-manager's namespace controller: a terminating Namespace has its objects deleted
// (their finalizers honoured); once it is empty the `kubernetes` finalizer is dropped via /finalize
// and the Namespace disappears.
import { isTerminating, namespaceFinalizersOf } from './core.js';
import { CommitObserver, internalWrite } from './controller-util.js';
import { deleteObject } from './deletion.js';
import { metaOf } from './json.js';
import type { ChangeEvent } from './store.js';
import { updateObject } from './writes.js';

const NAMESPACES = '/namespaces';

export class NamespaceController extends CommitObserver {
  private readonly terminating = new Set<string>();

  protected observe(event: ChangeEvent): void {
    if (event.storage === NAMESPACES) {
      if (event.type === 'DELETED') this.terminating.delete(event.name);
      else if (isTerminating(event.object)) {
        this.terminating.add(event.name);
        this.queue.add(event.name, () => this.reconcile(event.name));
      }
      return;
    }
    if (event.type === 'DELETED' && this.terminating.has(event.namespace)) {
      this.queue.add(event.namespace, () => this.reconcile(event.namespace));
    }
  }

  private reconcile(name: string): void {
    const nsType = this.core.namespaceType();
    const ns = this.core.get(nsType, '', name);
    if (!ns || !isTerminating(ns)) return;
    let remaining = 0;
    for (const type of this.core.namespacedStorages()) {
      const store = this.core.storeOf(type);
      for (const obj of store.list(name)) {
        if (!isTerminating(obj)) {
          deleteObject(this.core, type, name, String(metaOf(obj).name), {
            dryRun: false,
            propagationPolicy: 'Background',
          });
        }
      }
      remaining += store.namespaceCount(name);
    }
    if (remaining > 0 || !namespaceFinalizersOf(ns).includes('kubernetes')) return;
    const finalizers = namespaceFinalizersOf(ns).filter((f) => f !== 'kubernetes');
    updateObject(
      this.core,
      {
        type: nsType,
        namespace: '',
        name,
        body: { ...ns, spec: { finalizers } },
        subresource: 'finalize',
        requireResourceVersion: false,
      },
      internalWrite('kube-controller-manager'),
    );
  }
}
