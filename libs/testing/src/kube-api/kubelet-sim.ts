// A switchable stand-in for kubelet and the workload controllers: it writes the status of
// Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and Pods so kstatus reads them as
// Current (ready/complete) or, on request, Failed (kube-api.md §8).
import { createHash } from 'node:crypto';
import { finalizersOf, isTerminating, type KubeApiCore } from './core.js';
import { deleteObject } from './deletion.js';
import { internalWrite, WorkQueue } from './controller-util.js';
import { deepEqual, getPath, isObject, metaOf, type JsonObject, type KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';
import type { ChangeEvent } from './store.js';
import { formatTime } from './time.js';
import { updateObject } from './writes.js';

export type KubeletOutcome = 'ready' | 'failed';

/** Which objects an outcome applies to; omitted fields match anything. */
export interface KubeletMatch {
  /** Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or Pod. */
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface KubeletSimulatorOptions {
  /** Delay before a status is written (default 10 ms). */
  delayMs?: number;
  /** Outcome for objects no rule matches (default 'ready'). */
  defaultOutcome?: KubeletOutcome;
  /** Nodes a DaemonSet runs on (default 1). */
  nodes?: number;
}

const STORAGES: Record<string, string> = {
  'apps/deployments': 'Deployment',
  'apps/replicasets': 'ReplicaSet',
  'apps/statefulsets': 'StatefulSet',
  'apps/daemonsets': 'DaemonSet',
  'batch/jobs': 'Job',
  '/pods': 'Pod',
};

type Conditions = JsonObject[];

interface StatusContext {
  obj: KubeObject;
  outcome: KubeletOutcome;
  now: string;
  previous: Conditions;
  nodes: number;
}

function cond(ctx: StatusContext, type: string, status: string, reason: string, message: string): JsonObject {
  const old = ctx.previous.find((c) => c.type === type);
  const since = old && old.status === status && old.reason === (reason || undefined) ? old : undefined;
  const condition: JsonObject = {
    type,
    status,
    lastUpdateTime: since?.lastUpdateTime ?? ctx.now,
    lastTransitionTime: since?.lastTransitionTime ?? ctx.now,
  };
  // Empty reasons and messages are omitted, as Go's omitempty does.
  if (reason) condition.reason = reason;
  if (message) condition.message = message;
  return condition;
}

const replicasOf = (obj: KubeObject): number => {
  const replicas = getPath(obj, ['spec', 'replicas']);
  return typeof replicas === 'number' ? replicas : 1;
};

function revisionOf(obj: KubeObject): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(getPath(obj, ['spec', 'template']) ?? {}))
    .digest('hex');
  return `${String(metaOf(obj).name)}-${hash.slice(0, 10)}`;
}

function deploymentStatus(ctx: StatusContext): JsonObject {
  const r = replicasOf(ctx.obj);
  const ok = ctx.outcome === 'ready';
  const rs = revisionOf(ctx.obj);
  return {
    observedGeneration: metaOf(ctx.obj).generation,
    replicas: r,
    updatedReplicas: r,
    readyReplicas: ok ? r : 0,
    availableReplicas: ok ? r : 0,
    ...(ok ? {} : { unavailableReplicas: r }),
    conditions: ok
      ? [
          cond(ctx, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
          cond(
            ctx,
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${rs}" has successfully progressed.`,
          ),
        ]
      : [
          cond(
            ctx,
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
          ),
          cond(
            ctx,
            'Progressing',
            'False',
            'ProgressDeadlineExceeded',
            `ReplicaSet "${rs}" has timed out progressing.`,
          ),
        ],
  };
}

function replicaSetStatus(ctx: StatusContext): JsonObject {
  const r = replicasOf(ctx.obj);
  const ready = ctx.outcome === 'ready' ? r : 0;
  return {
    observedGeneration: metaOf(ctx.obj).generation,
    replicas: r,
    fullyLabeledReplicas: r,
    readyReplicas: ready,
    availableReplicas: ready,
  };
}

function statefulSetStatus(ctx: StatusContext): JsonObject {
  const r = replicasOf(ctx.obj);
  const ready = ctx.outcome === 'ready' ? r : 0;
  const revision = revisionOf(ctx.obj);
  return {
    observedGeneration: metaOf(ctx.obj).generation,
    replicas: r,
    readyReplicas: ready,
    currentReplicas: r,
    updatedReplicas: r,
    availableReplicas: ready,
    currentRevision: revision,
    updateRevision: revision,
    collisionCount: 0,
  };
}

function daemonSetStatus(ctx: StatusContext): JsonObject {
  const n = ctx.nodes;
  const ready = ctx.outcome === 'ready' ? n : 0;
  return {
    observedGeneration: metaOf(ctx.obj).generation,
    currentNumberScheduled: n,
    desiredNumberScheduled: n,
    updatedNumberScheduled: n,
    numberMisscheduled: 0,
    numberReady: ready,
    numberAvailable: ready,
    ...(ready < n ? { numberUnavailable: n - ready } : {}),
  };
}

function jobStatus(ctx: StatusContext): JsonObject | undefined {
  if (getPath(ctx.obj, ['spec', 'suspend']) === true) return undefined;
  const status = isObject(ctx.obj.status) ? ctx.obj.status : {};
  const startTime = status.startTime ?? ctx.now;
  if (ctx.outcome === 'failed') {
    const backoff = getPath(ctx.obj, ['spec', 'backoffLimit']);
    return {
      startTime,
      failed: (typeof backoff === 'number' ? backoff : 6) + 1,
      conditions: [
        cond(
          ctx,
          'FailureTarget',
          'True',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
        ),
        cond(ctx, 'Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
      ],
    };
  }
  const completions = getPath(ctx.obj, ['spec', 'completions']);
  return {
    startTime,
    completionTime: status.completionTime ?? ctx.now,
    succeeded: typeof completions === 'number' ? completions : 1,
    conditions: [
      cond(
        ctx,
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
      ),
      cond(ctx, 'Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'),
    ],
  };
}

function podStatus(ctx: StatusContext): JsonObject {
  const status = isObject(ctx.obj.status) ? ctx.obj.status : {};
  const ok = ctx.outcome === 'ready';
  const containers = (getPath(ctx.obj, ['spec', 'containers']) as JsonObject[] | undefined) ?? [];
  const started = (status.startTime as string | undefined) ?? ctx.now;
  const containerStatuses = containers.map((c) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    containerID: `containerd://${createHash('sha256')
      .update(`${String(metaOf(ctx.obj).uid)}/${String(c.name)}`)
      .digest('hex')}`,
    ready: ok,
    started: ok,
    restartCount: ok ? 0 : 3,
    state: ok
      ? { running: { startedAt: started } }
      : { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
  }));
  const ready = ok ? 'True' : 'False';
  const strip = (c: JsonObject) => ({ ...c, lastUpdateTime: undefined });
  return {
    ...status,
    phase: 'Running',
    hostIP: '10.0.0.1',
    podIP: status.podIP ?? '10.244.0.10',
    startTime: started,
    conditions: [
      cond(ctx, 'PodReadyToStartContainers', 'True', '', ''),
      cond(ctx, 'Initialized', 'True', '', ''),
      cond(ctx, 'Ready', ready, ok ? '' : 'ContainersNotReady', ''),
      cond(ctx, 'ContainersReady', ready, ok ? '' : 'ContainersNotReady', ''),
      cond(ctx, 'PodScheduled', 'True', '', ''),
    ].map((c) => JSON.parse(JSON.stringify(strip(c))) as JsonObject),
    containerStatuses,
  };
}

const BUILDERS: Record<string, (ctx: StatusContext) => JsonObject | undefined> = {
  Deployment: deploymentStatus,
  ReplicaSet: replicaSetStatus,
  StatefulSet: statefulSetStatus,
  DaemonSet: daemonSetStatus,
  Job: jobStatus,
  Pod: podStatus,
};

export class KubeletSimulator {
  private queue: WorkQueue | undefined;
  private unsubscribe: (() => void) | undefined;
  private rules: { match: KubeletMatch; outcome: KubeletOutcome }[] = [];
  private options: Required<KubeletSimulatorOptions> = { delayMs: 10, defaultOutcome: 'ready', nodes: 1 };

  constructor(
    private readonly core: KubeApiCore,
    private readonly onError: (error: unknown) => void,
  ) {}

  get enabled(): boolean {
    return this.unsubscribe !== undefined;
  }

  /** Starts writing statuses; existing workloads are reconciled too. */
  enable(options: KubeletSimulatorOptions = {}): void {
    this.disable();
    this.options = { ...this.options, ...options };
    this.queue = new WorkQueue(this.onError, this.options.delayMs);
    this.unsubscribe = this.core.db.onCommit((event) => this.observe(event));
    for (const storage of Object.keys(STORAGES)) {
      const type = this.typeOf(storage);
      if (!type) continue;
      for (const obj of this.core.storeOf(type).list(undefined))
        this.enqueue(storage, String(metaOf(obj).namespace), String(metaOf(obj).name));
    }
  }

  disable(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.queue?.stop();
    this.queue = undefined;
  }

  /** Objects matching `match` move to `outcome`; later rules win. Existing ones are re-evaluated. */
  setOutcome(match: KubeletMatch, outcome: KubeletOutcome): void {
    this.rules.push({ match, outcome });
    if (this.enabled) this.enable(this.options);
  }

  clearOutcomes(): void {
    this.rules = [];
  }

  private typeOf(storage: string): ResourceType | undefined {
    return this.core.registry.storages().find((t) => t.storage === storage);
  }

  private observe(event: ChangeEvent): void {
    if (event.type === 'DELETED' || !(event.storage in STORAGES)) return;
    this.enqueue(event.storage, event.namespace, event.name);
  }

  private enqueue(storage: string, namespace: string, name: string): void {
    this.queue?.add(`${storage}/${namespace}/${name}`, () => this.reconcile(storage, namespace, name));
  }

  private outcomeFor(kind: string, obj: KubeObject): KubeletOutcome {
    const metadata = metaOf(obj);
    for (let i = this.rules.length - 1; i >= 0; i--) {
      const { match, outcome } = this.rules[i] as { match: KubeletMatch; outcome: KubeletOutcome };
      if (match.kind !== undefined && match.kind !== kind) continue;
      if (match.namespace !== undefined && match.namespace !== metadata.namespace) continue;
      if (match.name !== undefined && match.name !== metadata.name) continue;
      return outcome;
    }
    return this.options.defaultOutcome;
  }

  private reconcile(storage: string, namespace: string, name: string): void {
    const type = this.typeOf(storage);
    const obj = type && this.core.get(type, namespace, name);
    if (!type || !obj) return;
    const kind = STORAGES[storage] as string;
    if (isTerminating(obj)) {
      // The kubelet confirms a bound Pod's graceful termination at once.
      if (kind === 'Pod' && getPath(obj, ['spec', 'nodeName']) && finalizersOf(obj).length === 0) {
        deleteObject(this.core, type, namespace, name, { dryRun: false, gracePeriodSeconds: 0 });
      }
      return;
    }
    const current = isObject(obj.status) ? obj.status : {};
    const previous = (Array.isArray(current.conditions) ? current.conditions : []).filter(isObject);
    const ctx: StatusContext = {
      obj,
      outcome: this.outcomeFor(kind, obj),
      now: formatTime(this.core.now()),
      previous,
      nodes: this.options.nodes,
    };
    const status = BUILDERS[kind]?.(ctx);
    if (!status || deepEqual(JSON.parse(JSON.stringify(status)), current)) return;
    updateObject(
      this.core,
      {
        type,
        namespace,
        name,
        body: { ...obj, status },
        subresource: 'status',
        requireResourceVersion: false,
      },
      internalWrite(kind === 'Pod' ? 'kubelet' : 'kube-controller-manager'),
    );
  }
}
