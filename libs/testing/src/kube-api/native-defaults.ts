// Server-side defaults of built-in kinds (kube-api.md §8): what appliers diff against and what
// kstatus reads. Applied on every write, after patching and before validation; idempotent.
import { isObject, objectField, type JsonObject, type KubeObject } from './json.js';
import { normaliseTime } from './time.js';

export interface DefaultingContext {
  /** The object's uid (Job selectors embed it). */
  uid: string;
  /** Stored object on updates; undefined on create. */
  previous: KubeObject | undefined;
  allocateClusterIP(): string;
  allocateNodePort(): number;
}

const setDefault = (obj: JsonObject, key: string, value: unknown): void => {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
};

/** Returns obj[key] as an object, creating it when absent. */
const ensureObject = (obj: JsonObject, key: string): JsonObject => {
  const existing = obj[key];
  if (isObject(existing)) return existing;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
};

function imagePullPolicyFor(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainers(list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const container of list) {
    if (!isObject(container)) continue;
    setDefault(container, 'terminationMessagePath', '/dev/termination-log');
    setDefault(container, 'terminationMessagePolicy', 'File');
    setDefault(container, 'imagePullPolicy', imagePullPolicyFor(container.image));
    setDefault(container, 'resources', {});
    if (Array.isArray(container.ports)) {
      for (const port of container.ports) if (isObject(port)) setDefault(port, 'protocol', 'TCP');
    }
  }
}

export function defaultPodSpec(spec: JsonObject, restartPolicy: string | undefined = 'Always'): void {
  if (restartPolicy) setDefault(spec, 'restartPolicy', restartPolicy);
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  defaultContainers(spec.containers);
  defaultContainers(spec.initContainers);
}

function defaultTemplate(spec: JsonObject, restartPolicy?: string): void {
  const template = objectField(spec, 'template');
  if (!template) return;
  const podSpec = objectField(template, 'spec');
  if (podSpec) defaultPodSpec(podSpec, restartPolicy);
}

function defaultDeployment(spec: JsonObject): void {
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

function defaultStatefulSet(spec: JsonObject): void {
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(ensureObject(strategy, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  defaultTemplate(spec);
}

function defaultDaemonSet(spec: JsonObject): void {
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', 1);
    setDefault(rolling, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

function defaultJobSpec(spec: JsonObject, uid: string, jobName: string | undefined): void {
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completions', 1);
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  defaultTemplate(spec, '');
  if (spec.manualSelector === true || jobName === undefined) return;
  // Generated selector: the Job's uid, mirrored into the template labels.
  setDefault(spec, 'selector', { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  const template = ensureObject(spec, 'template');
  const labels = ensureObject(ensureObject(template, 'metadata'), 'labels');
  setDefault(labels, 'batch.kubernetes.io/controller-uid', uid);
  setDefault(labels, 'batch.kubernetes.io/job-name', jobName);
  setDefault(labels, 'controller-uid', uid);
  setDefault(labels, 'job-name', jobName);
}

function defaultCronJob(spec: JsonObject): void {
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  const jobSpec = objectField(ensureObject(spec, 'jobTemplate'), 'spec');
  if (jobSpec) {
    setDefault(jobSpec, 'backoffLimit', 6);
    setDefault(jobSpec, 'completionMode', 'NonIndexed');
    setDefault(jobSpec, 'suspend', false);
    defaultTemplate(jobSpec, '');
  }
}

function previousSpec(ctx: DefaultingContext): JsonObject {
  return (ctx.previous && objectField(ctx.previous, 'spec')) ?? {};
}

function defaultServicePorts(spec: JsonObject, ctx: DefaultingContext, wantsNodePort: boolean): void {
  if (!Array.isArray(spec.ports)) return;
  const oldPorts = Array.isArray(previousSpec(ctx).ports) ? (previousSpec(ctx).ports as JsonObject[]) : [];
  for (const port of spec.ports) {
    if (!isObject(port)) continue;
    setDefault(port, 'protocol', 'TCP');
    setDefault(port, 'targetPort', port.port);
    if (!wantsNodePort) continue;
    const old = oldPorts.find((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol);
    setDefault(port, 'nodePort', old?.nodePort ?? ctx.allocateNodePort());
  }
}

function defaultService(spec: JsonObject, ctx: DefaultingContext): void {
  setDefault(spec, 'type', 'ClusterIP');
  const type = spec.type;
  setDefault(spec, 'sessionAffinity', 'None');
  if (type === 'ExternalName') return;
  const old = previousSpec(ctx);
  // A write that omits allocated values keeps the stored ones (patchAllocatedValues).
  setDefault(spec, 'clusterIP', old.clusterIP ?? ctx.allocateClusterIP());
  setDefault(
    spec,
    'clusterIPs',
    old.clusterIP === spec.clusterIP && old.clusterIPs ? old.clusterIPs : [spec.clusterIP],
  );
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  const wantsNodePort = type === 'NodePort' || type === 'LoadBalancer';
  if (wantsNodePort) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  defaultServicePorts(spec, ctx, wantsNodePort);
}

function defaultSecret(obj: KubeObject): void {
  setDefault(obj, 'type', 'Opaque');
  const stringData = obj.stringData;
  if (isObject(stringData)) {
    // stringData is write-only: merged into data (winning), never stored or returned.
    const data = ensureObject(obj, 'data');
    for (const [key, value] of Object.entries(stringData)) {
      if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
  }
  delete obj.stringData;
}

function defaultNamespace(obj: KubeObject, ctx: DefaultingContext): void {
  const metadata = ensureObject(obj, 'metadata');
  const labels = ensureObject(metadata, 'labels');
  if (typeof metadata.name === 'string') labels['kubernetes.io/metadata.name'] = metadata.name;
  const spec = ensureObject(obj, 'spec');
  if (!ctx.previous) setDefault(spec, 'finalizers', ['kubernetes']);
  setDefault(ensureObject(obj, 'status'), 'phase', 'Active');
}

function defaultPod(obj: KubeObject): void {
  defaultPodSpec(ensureObject(obj, 'spec'));
  const status = ensureObject(obj, 'status');
  setDefault(status, 'phase', 'Pending');
  setDefault(status, 'qosClass', 'BestEffort');
}

function defaultCrd(obj: KubeObject): void {
  const spec = ensureObject(obj, 'spec');
  const names = ensureObject(spec, 'names');
  if (typeof names.kind === 'string') {
    setDefault(names, 'singular', names.kind.toLowerCase());
    setDefault(names, 'listKind', `${names.kind}List`);
  }
  setDefault(spec, 'conversion', { strategy: 'None' });
}

type KindDefaulter = (obj: KubeObject, ctx: DefaultingContext) => void;

const withSpec =
  (fn: (spec: JsonObject, obj: KubeObject, ctx: DefaultingContext) => void): KindDefaulter =>
  (obj, ctx) =>
    fn(ensureObject(obj, 'spec'), obj, ctx);

const DEFAULTERS: Record<string, KindDefaulter> = {
  'v1/Namespace': defaultNamespace,
  'v1/Secret': defaultSecret,
  'v1/Service': withSpec((spec, _obj, ctx) => defaultService(spec, ctx)),
  'v1/Pod': defaultPod,
  'v1/PersistentVolumeClaim': withSpec((spec) => setDefault(spec, 'volumeMode', 'Filesystem')),
  'apps/v1/Deployment': withSpec(defaultDeployment),
  'apps/v1/StatefulSet': withSpec(defaultStatefulSet),
  'apps/v1/DaemonSet': withSpec(defaultDaemonSet),
  'apps/v1/ReplicaSet': withSpec((spec) => {
    setDefault(spec, 'replicas', 1);
    defaultTemplate(spec);
  }),
  'batch/v1/Job': withSpec((spec, obj, ctx) => defaultJobSpec(spec, ctx.uid, obj.metadata?.name as string)),
  'batch/v1/CronJob': withSpec(defaultCronJob),
  'apiextensions.k8s.io/v1/CustomResourceDefinition': defaultCrd,
};

const CONDITION_TIMES = ['lastTransitionTime', 'lastUpdateTime', 'lastProbeTime', 'lastHeartbeatTime'];
const STATUS_TIMES = ['startTime', 'completionTime', 'lastScheduleTime', 'lastSuccessfulTime'];

/** metav1.Time fields of built-ins are re-rendered as whole-second UTC, as Go's encoder does. */
function normaliseTimes(obj: KubeObject): void {
  const status = objectField(obj, 'status');
  const fix = (holder: JsonObject, key: string) => {
    const normal = normaliseTime(holder[key]);
    if (normal) holder[key] = normal;
  };
  if (status) {
    for (const key of STATUS_TIMES) fix(status, key);
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : [];
    for (const condition of conditions) for (const key of CONDITION_TIMES) fix(condition, key);
  }
  if (obj.kind === 'Event' && obj.apiVersion === 'v1')
    for (const key of ['firstTimestamp', 'lastTimestamp']) fix(obj, key);
}

/** Applies the defaults of a built-in kind in place. */
export function applyNativeDefaults(obj: KubeObject, ctx: DefaultingContext): void {
  DEFAULTERS[`${obj.apiVersion}/${obj.kind}`]?.(obj, ctx);
  normaliseTimes(obj);
}
