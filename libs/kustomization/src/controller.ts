// The kustomize-controller's Kustomization reconciler in a controller host, with its triggers:
// - a source's artifact announcement on the bus reconciles the Kustomizations using it at once
//   (and cancels their health waits on an older revision); the source objects are also watched,
//   so new revisions still arrive while NATS is down;
// - a Kustomization becoming Ready (its event on the bus, or its status in the watch) reconciles
//   its dependants at once instead of after --requeue-dependency.
import type { Subscription } from '@flotilla/bus';
import {
  findCondition,
  objectKey,
  startReconciler,
  type ApiObject,
  type Condition,
  type Controller,
  type ControllerContext,
  type StartReconcilerOptions,
} from '@flotilla/runtime';
import {
  SOURCE_RESOURCES,
  KustomizationReconciler,
  type KustomizationReconcilerOptions,
} from './reconciler.js';
import { LegacyPatchWatch } from './legacy.js';
import { GROUP, LEGACY_VERSIONS, sourceKeyOf, type KustomizationObject, type SourceKey } from './spec.js';

export interface KustomizeControllerOptions extends Omit<KustomizationReconcilerOptions, 'store'> {
  start?: StartReconcilerOptions<KustomizationObject>;
  /** Watch source objects as a fallback to bus announcements (default true). */
  watchSources?: boolean;
}

export interface KustomizeController {
  readonly controller: Controller<KustomizationObject>;
  readonly reconciler: KustomizationReconciler;
  /** Resolves once the bus subscriptions are in place (or failed: NATS may be down). */
  readonly subscribed: Promise<void>;
}

interface SourceStatus {
  artifact?: { revision?: string; digest?: string };
}

const artifactOf = (obj: ApiObject) => (obj.status as SourceStatus | undefined)?.artifact;

function readyOf(obj: ApiObject): string {
  const status = (obj.status ?? {}) as {
    conditions?: Condition[];
    lastAppliedRevision?: string;
    observedGeneration?: number;
  };
  return [
    findCondition(status.conditions, 'Ready')?.status ?? '',
    status.lastAppliedRevision ?? '',
    String(status.observedGeneration ?? ''),
  ].join('|');
}

class Triggers {
  constructor(
    private readonly controller: Controller<KustomizationObject>,
    private readonly reconciler: KustomizationReconciler,
  ) {}

  private kustomizations(): KustomizationObject[] {
    return this.controller.informer.store.list();
  }

  /** A source has a new revision: reconcile its Kustomizations now. */
  onArtifact(source: SourceKey, revision: string | undefined): void {
    for (const ks of this.kustomizations()) {
      const ref = sourceKeyOf(ks);
      if (ref.kind !== source.kind || ref.namespace !== source.namespace || ref.name !== source.name)
        continue;
      const key = objectKey(ks);
      if (revision) this.reconciler.healthWaits.cancelOutdated(key, revision);
      this.controller.enqueue(key);
    }
  }

  /** A Kustomization may have become Ready: reconcile what depends on it now. */
  onDependencyChange(namespace: string, name: string): void {
    for (const ks of this.kustomizations()) {
      const own = ks.metadata?.namespace ?? '';
      if ((ks.spec.dependsOn ?? []).some((d) => d.name === name && (d.namespace ?? own) === namespace))
        this.controller.enqueue(objectKey(ks));
    }
  }
}

async function subscribe(context: ControllerContext, triggers: Triggers): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  try {
    subscriptions.push(
      await context.bus.subscribe({ type: 'artifact' }, (message) => {
        const { kind, namespace, name, revision } = message.data;
        if (SOURCE_RESOURCES[kind]) triggers.onArtifact({ kind, namespace, name }, revision);
      }),
    );
    subscriptions.push(
      await context.bus.subscribe({ type: 'event', kind: 'Kustomization' }, (message) => {
        const { involvedObject, severity } = message.data;
        if (severity === 'info' && involvedObject.namespace && involvedObject.name)
          triggers.onDependencyChange(involvedObject.namespace, involvedObject.name);
      }),
    );
  } catch (error) {
    context.logger.error(
      { error: (error as Error).message },
      'subscribing to artifact and dependency events failed',
    );
  }
  return subscriptions;
}

async function watchSources(
  context: ControllerContext,
  triggers: Triggers,
  namespace: string | undefined,
): Promise<void> {
  for (const resource of Object.values(SOURCE_RESOURCES)) {
    try {
      await context.kube.resolve(`${resource.group}/${resource.version}`, resource.kind);
    } catch {
      continue; // the kind is not served in this cluster
    }
    const informer = context.informers.informerFor(resource, { namespace });
    informer.addHandler({
      update: (previous, current) => {
        const [a, b] = [artifactOf(previous), artifactOf(current)];
        if (b?.revision && (a?.revision !== b.revision || a?.digest !== b.digest))
          triggers.onArtifact(
            {
              kind: resource.kind,
              namespace: current.metadata?.namespace ?? '',
              name: current.metadata?.name ?? '',
            },
            b.revision,
          );
      },
    });
    void informer.start().catch((error: unknown) => {
      context.logger.error({ error: (error as Error).message, kind: resource.kind }, 'source watch failed');
    });
  }
}

async function watchLegacyVersions(context: ControllerContext): Promise<LegacyPatchWatch | undefined> {
  try {
    for (const version of LEGACY_VERSIONS) await context.kube.resolve(`${GROUP}/${version}`, 'Kustomization');
  } catch {
    return undefined; // a cluster whose CRD no longer serves the old versions
  }
  const watch = new LegacyPatchWatch(context.informers, context.settings.watchNamespace);
  await watch.start();
  return watch;
}

export async function startKustomizeController(
  context: ControllerContext,
  options: KustomizeControllerOptions = {},
): Promise<KustomizeController> {
  // Not ready until every watch below is in place.
  let started = false;
  context.health.addReadinessCheck('kustomize-controller start', () => {
    if (!started) throw new Error('kustomize-controller is starting');
  });
  const legacyPatches = await watchLegacyVersions(context);
  const reconciler = new KustomizationReconciler({ ...options, legacyPatches, store: context.artifacts });
  const controller = await startReconciler(context, reconciler.definition(), options.start);
  const triggers = new Triggers(controller, reconciler);
  controller.informer.addHandler({
    update: (previous, current) => {
      if (readyOf(previous) !== readyOf(current))
        triggers.onDependencyChange(current.metadata?.namespace ?? '', current.metadata?.name ?? '');
    },
  });
  const subscribed = subscribe(context, triggers).then((subscriptions) => {
    context.onShutdown('kustomization triggers', async () => {
      await Promise.all(subscriptions.map((s) => s.close()));
    });
  });
  if (options.watchSources !== false)
    await watchSources(context, triggers, controller.settings.watchNamespace);
  started = true;
  return { controller, reconciler, subscribed };
}
