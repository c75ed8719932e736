// The built-in kinds a GitOps fleet touches (kube-api.md §8), as ResourceTypes.
import { getPath, type KubeObject } from './json.js';
import {
  ALL_VERBS,
  type GenerationPolicy,
  type ResourceType,
  type ScaleSubresource,
} from './resource-types.js';

interface NativeKind {
  gv: string;
  kind: string;
  plural: string;
  short?: string[];
  cluster?: boolean;
  status?: boolean;
  scale?: boolean;
  generation?: GenerationPolicy;
  all?: boolean;
  fields?: Record<string, (obj: KubeObject) => string | undefined>;
  verbs?: string[];
}

const text = (path: string) => (obj: KubeObject) => {
  const value = getPath(obj, path.split('.'));
  return value === undefined || value === null ? undefined : String(value);
};

const podFields = Object.fromEntries(
  [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ].map((f) => [f, text(f)]),
);

const eventFields = Object.fromEntries(
  [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ].map((f) => [f, f === 'source' ? text('source.component') : text(f)]),
);

const WORKLOAD_SCALE: ScaleSubresource = {
  specReplicasPath: '.spec.replicas',
  statusReplicasPath: '.status.replicas',
  labelSelectorPath: '.spec.selector',
};

const NATIVE_KINDS: NativeKind[] = [
  {
    gv: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    short: ['ns'],
    cluster: true,
    status: true,
    fields: { 'status.phase': text('status.phase') },
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  { gv: 'v1', kind: 'ConfigMap', plural: 'configmaps', short: ['cm'] },
  { gv: 'v1', kind: 'Secret', plural: 'secrets', fields: { type: text('type') } },
  { gv: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', short: ['sa'] },
  { gv: 'v1', kind: 'Event', plural: 'events', short: ['ev'], fields: eventFields },
  { gv: 'v1', kind: 'Service', plural: 'services', short: ['svc'], status: true, all: true },
  { gv: 'v1', kind: 'Pod', plural: 'pods', short: ['po'], status: true, all: true, fields: podFields },
  { gv: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', short: ['pvc'], status: true },
  { gv: 'v1', kind: 'ResourceQuota', plural: 'resourcequotas', short: ['quota'], status: true },
  { gv: 'v1', kind: 'LimitRange', plural: 'limitranges', short: ['limits'] },
  { gv: 'v1', kind: 'Endpoints', plural: 'endpoints', short: ['ep'] },
  {
    gv: 'v1',
    kind: 'Node',
    plural: 'nodes',
    short: ['no'],
    cluster: true,
    status: true,
    fields: { 'spec.unschedulable': text('spec.unschedulable') },
  },
  { gv: 'events.k8s.io/v1', kind: 'Event', plural: 'events', short: ['ev'] },
  { gv: 'coordination.k8s.io/v1', kind: 'Lease', plural: 'leases' },
  {
    gv: 'apps/v1',
    kind: 'Deployment',
    plural: 'deployments',
    short: ['deploy'],
    status: true,
    scale: true,
    generation: 'spec-and-annotations',
    all: true,
  },
  {
    gv: 'apps/v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    short: ['rs'],
    status: true,
    scale: true,
    all: true,
  },
  {
    gv: 'apps/v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    short: ['sts'],
    status: true,
    scale: true,
    all: true,
  },
  { gv: 'apps/v1', kind: 'DaemonSet', plural: 'daemonsets', short: ['ds'], status: true, all: true },
  { gv: 'apps/v1', kind: 'ControllerRevision', plural: 'controllerrevisions', generation: 'none' },
  { gv: 'batch/v1', kind: 'Job', plural: 'jobs', status: true, all: true },
  { gv: 'batch/v1', kind: 'CronJob', plural: 'cronjobs', short: ['cj'], status: true, all: true },
  {
    gv: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    plural: 'horizontalpodautoscalers',
    short: ['hpa'],
    status: true,
    all: true,
  },
  {
    gv: 'policy/v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    short: ['pdb'],
    status: true,
  },
  { gv: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', short: ['ing'], status: true },
  { gv: 'networking.k8s.io/v1', kind: 'NetworkPolicy', plural: 'networkpolicies', short: ['netpol'] },
  { gv: 'networking.k8s.io/v1', kind: 'IngressClass', plural: 'ingressclasses', cluster: true },
  { gv: 'storage.k8s.io/v1', kind: 'StorageClass', plural: 'storageclasses', short: ['sc'], cluster: true },
  {
    gv: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    short: ['pc'],
    cluster: true,
  },
  {
    gv: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    short: ['crd', 'crds'],
    cluster: true,
    status: true,
  },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' },
  { gv: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', plural: 'clusterroles', cluster: true },
  {
    gv: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    cluster: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    plural: 'validatingwebhookconfigurations',
    cluster: true,
  },
  {
    gv: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    plural: 'mutatingwebhookconfigurations',
    cluster: true,
  },
];

/** Kinds whose spec changes bump generation; the rest do not track it. */
const SPEC_GENERATION = new Set([
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'NetworkPolicy',
  'CustomResourceDefinition',
]);

function toResourceType(native: NativeKind): ResourceType {
  const slash = native.gv.indexOf('/');
  const group = slash < 0 ? '' : native.gv.slice(0, slash);
  const version = slash < 0 ? native.gv : native.gv.slice(slash + 1);
  const type: ResourceType = {
    group,
    version,
    kind: native.kind,
    listKind: `${native.kind}List`,
    plural: native.plural,
    singular: native.kind.toLowerCase(),
    namespaced: !native.cluster,
    shortNames: native.short ?? [],
    categories: native.all ? ['all'] : [],
    verbs: native.verbs ?? ALL_VERBS,
    statusSubresource: native.status ?? false,
    generation: native.generation ?? (SPEC_GENERATION.has(native.kind) ? 'spec' : 'none'),
    builtin: true,
    selectableFields: native.fields ?? {},
    storage: `${group}/${native.plural}`,
    storageVersion: version,
  };
  if (native.scale) type.scale = WORKLOAD_SCALE;
  if (native.kind === 'Namespace') type.finalizeSubresource = true;
  return type;
}

export function nativeResourceTypes(): ResourceType[] {
  return NATIVE_KINDS.map(toResourceType);
}
