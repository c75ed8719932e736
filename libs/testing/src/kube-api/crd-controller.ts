// The apiextensions controllers of kube-api.md §7: accept names and establish CRDs (serving their
// versions), keep storedVersions, end CR watches when a CRD's served shape changes, and on deletion
// remove every CR before letting the CRD go.
import { finalizersOf, isTerminating, type KubeApiCore } from './core.js';
import { CommitObserver, internalWrite } from './controller-util.js';
import { CRD_CLEANUP_FINALIZER, readCrd, resourceTypesOf, type CrdView } from './crd-rules.js';
import { deleteObject } from './deletion.js';
import { deepEqual, getPath, isObject, metaOf, type JsonObject, type KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';
import type { ChangeEvent } from './store.js';
import { formatTime } from './time.js';
import type { WatchHub } from './watch.js';
import { updateObject } from './writes.js';

const CRD_STORAGE = 'apiextensions.k8s.io/customresourcedefinitions';
const MANAGER = 'kube-apiserver';

interface ConditionSpec {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** A condition keeping its lastTransitionTime while its status is unchanged. */
function condition(spec: ConditionSpec, previous: JsonObject[], now: string): JsonObject {
  const old = previous.find((c) => c.type === spec.type);
  const lastTransitionTime = old && old.status === spec.status ? old.lastTransitionTime : now;
  return {
    type: spec.type,
    status: spec.status,
    lastTransitionTime,
    reason: spec.reason,
    message: spec.message,
  };
}

export class CrdController extends CommitObserver {
  /** Served shape per CRD name, to notice changes that must end CR watches. */
  private readonly served = new Map<string, string>();

  constructor(
    core: KubeApiCore,
    private readonly hub: WatchHub,
    onError: (error: unknown) => void,
  ) {
    super(core, onError);
  }

  private crdType(): ResourceType {
    return this.core.registry.lookup(
      'apiextensions.k8s.io',
      'v1',
      'customresourcedefinitions',
    ) as ResourceType;
  }

  protected observe(event: ChangeEvent): void {
    if (event.storage === CRD_STORAGE) {
      const name = event.name;
      if (event.type === 'DELETED') this.queue.add(name, () => this.forget(readCrd(event.object)));
      else this.queue.add(name, () => this.reconcile(name));
      return;
    }
    // A CR of a terminating CRD went away: the CRD may now be finalised.
    if (event.type === 'DELETED' && this.core.terminatingCrds.size > 0) {
      for (const crdName of this.core.terminatingCrds) {
        if (event.storage === this.storageOf(crdName)) this.queue.add(crdName, () => this.reconcile(crdName));
      }
    }
  }

  private storageOf(crdName: string): string {
    const dot = crdName.indexOf('.');
    return `${crdName.slice(dot + 1)}/${crdName.slice(0, dot)}`;
  }

  private reconcile(name: string): void {
    const crd = this.core.get(this.crdType(), '', name);
    if (!crd) return;
    const view = readCrd(crd);
    if (isTerminating(crd)) return this.cleanUp(crd, view);
    const accepted = this.namesAccepted(view);
    if (accepted) this.serve(view);
    this.writeStatus(crd, view, accepted);
  }

  /** Names clash when another CRD of the group already serves the same kind or plural. */
  private namesAccepted(view: CrdView): boolean {
    const others = this.core.registry.groups().find((g) => g.name === view.group);
    if (!others) return true;
    return !others.versions.some((version) =>
      this.core.registry
        .resourcesOf(view.group, version)
        .some(
          (t) =>
            t.storage !== `${view.group}/${view.plural}` &&
            (t.kind === view.kind || t.plural === view.plural),
        ),
    );
  }

  private serve(view: CrdView): void {
    const types = resourceTypesOf(view);
    const shape = JSON.stringify(
      types.map((t) => ({ ...t, selectableFields: Object.keys(t.selectableFields) })),
    );
    if (this.served.get(view.name) === shape) return;
    const storage = `${view.group}/${view.plural}`;
    const hadShape = this.served.has(view.name);
    this.served.set(view.name, shape);
    this.core.registry.unregisterStorage(storage);
    this.core.registry.register(types);
    // Clients must re-discover after a CRD change: their watches end cleanly.
    if (hadShape) this.hub.close((spec) => spec.type.storage === storage);
  }

  private writeStatus(crd: KubeObject, view: CrdView, accepted: boolean): void {
    const now = formatTime(this.core.now());
    const status = isObject(crd.status) ? crd.status : {};
    const previous = (Array.isArray(status.conditions) ? status.conditions : []).filter(isObject);
    const storage = view.versions.find((v) => v.storage)?.name;
    const stored = Array.isArray(status.storedVersions) ? (status.storedVersions as string[]) : [];
    const names: JsonObject = {
      plural: view.plural,
      singular: view.singular,
      kind: view.kind,
      listKind: view.listKind,
    };
    if (view.shortNames.length > 0) names.shortNames = view.shortNames;
    if (view.categories.length > 0) names.categories = view.categories;
    const conditions = accepted
      ? [
          condition(
            { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
            previous,
            now,
          ),
          condition(
            {
              type: 'Established',
              status: 'True',
              reason: 'InitialNamesAccepted',
              message: 'the initial names have been accepted',
            },
            previous,
            now,
          ),
        ]
      : [
          condition(
            {
              type: 'NamesAccepted',
              status: 'False',
              reason: 'KindConflict',
              message: `"${view.kind}" is already in use`,
            },
            previous,
            now,
          ),
          condition(
            {
              type: 'Established',
              status: 'False',
              reason: 'NotAccepted',
              message: 'not all names are accepted',
            },
            previous,
            now,
          ),
        ];
    const next: JsonObject = {
      conditions,
      acceptedNames: accepted ? names : (status.acceptedNames ?? { plural: '', kind: '' }),
      storedVersions: storage && !stored.includes(storage) ? [...stored, storage] : stored,
    };
    if (deepEqual(next, status)) return;
    this.writeCrdStatus(crd, next);
  }

  private writeCrdStatus(crd: KubeObject, status: JsonObject): void {
    updateObject(
      this.core,
      {
        type: this.crdType(),
        namespace: '',
        name: String(metaOf(crd).name),
        body: { ...crd, status },
        subresource: 'status',
        requireResourceVersion: false,
      },
      internalWrite(MANAGER),
    );
  }

  /** Deleting: refuse new CRs, delete existing ones (their finalizers honoured), then drop the finalizer. */
  private cleanUp(crd: KubeObject, view: CrdView): void {
    this.core.terminatingCrds.add(view.name);
    const status = isObject(crd.status) ? crd.status : {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter(isObject);
    if (!conditions.some((c) => c.type === 'Terminating')) {
      const now = formatTime(this.core.now());
      const terminating = condition(
        {
          type: 'Terminating',
          status: 'True',
          reason: 'InstanceDeletionInProgress',
          message: 'CustomResource deletion is in progress',
        },
        conditions,
        now,
      );
      this.writeCrdStatus(crd, {
        ...status,
        conditions: [...conditions.filter((c) => c.type !== 'Terminating'), terminating],
      });
    }
    const types = this.core.registry.versionsOfStorage(`${view.group}/${view.plural}`);
    const type = types.find((t) => t.version === t.storageVersion) ?? types[0];
    const remaining = type ? this.core.storeOf(type).list(undefined) : [];
    for (const obj of remaining) {
      if (type && !isTerminating(obj)) {
        deleteObject(this.core, type, String(metaOf(obj).namespace ?? ''), String(metaOf(obj).name), {
          dryRun: false,
        });
      }
    }
    if (type && this.core.storeOf(type).size > 0) return;
    const latest = this.core.get(this.crdType(), '', view.name);
    if (!latest || !finalizersOf(latest).includes(CRD_CLEANUP_FINALIZER)) return;
    const finalizers = finalizersOf(latest).filter((f) => f !== CRD_CLEANUP_FINALIZER);
    updateObject(
      this.core,
      {
        type: this.crdType(),
        namespace: '',
        name: view.name,
        body: structuredClone({ ...latest, metadata: { ...metaOf(latest), finalizers } }),
        subresource: undefined,
        requireResourceVersion: false,
      },
      internalWrite(MANAGER),
    );
  }

  /** The CRD is gone: stop serving its kinds and end their watches. */
  private forget(view: CrdView): void {
    const storage = `${view.group}/${view.plural}`;
    this.served.delete(view.name);
    this.core.terminatingCrds.delete(view.name);
    this.core.registry.unregisterStorage(storage);
    this.hub.close((spec) => spec.type.storage === storage);
  }
}

/** Whether a CRD reports Established=True (for tests and the CLI). */
export function isEstablished(crd: KubeObject): boolean {
  const conditions = getPath(crd, ['status', 'conditions']);
  return (
    Array.isArray(conditions) &&
    conditions.some((c) => isObject(c) && c.type === 'Established' && c.status === 'True')
  );
}
