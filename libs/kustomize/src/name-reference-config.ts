// Which fields refer to which kinds by name (kustomize's nameReference configuration), as
// "object at path, name in field" so sibling `kind`/`namespace` fields can be checked too.

export interface Referrer {
  readonly kind?: string;
  /** Path to the object(s) holding the reference. */
  readonly path: string;
  readonly nameField: string;
  /** The reference counts only when this sibling field equals the referent's kind. */
  readonly kindField?: string;
  /** A sibling namespace field that must match the referent and moves with it. */
  readonly namespaceField?: string;
}

export interface NameReferenceRule {
  readonly kind: string;
  readonly referrers: readonly Referrer[];
}

const POD_TEMPLATES: ReadonlyArray<readonly [string, string]> = [
  ['Pod', 'spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['ReplicationController', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];

function inPodSpecs(entries: ReadonlyArray<readonly [string, string]>): Referrer[] {
  return POD_TEMPLATES.flatMap(([kind, prefix]) =>
    entries.map(([path, nameField]) => ({
      kind,
      path: path === '' ? prefix : `${prefix}/${path}`,
      nameField,
    })),
  );
}

function inContainers(suffix: string, nameField: string): Array<readonly [string, string]> {
  return CONTAINER_LISTS.map((list) => [`${list}/${suffix}`, nameField] as const);
}

const INGRESS_SERVICE_REFS: Referrer[] = ['Ingress'].flatMap((kind) => [
  { kind, path: 'spec/rules/http/paths/backend', nameField: 'serviceName' },
  { kind, path: 'spec/rules/http/paths/backend/service', nameField: 'name' },
  { kind, path: 'spec/backend', nameField: 'serviceName' },
  { kind, path: 'spec/defaultBackend/service', nameField: 'name' },
]);

const WORKLOAD_SCALERS: Referrer[] = [
  { kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef', nameField: 'name', kindField: 'kind' },
];

export const NAME_REFERENCE_RULES: readonly NameReferenceRule[] = [
  {
    kind: 'ConfigMap',
    referrers: inPodSpecs([
      ['volumes/configMap', 'name'],
      ['volumes/projected/sources/configMap', 'name'],
      ...inContainers('env/valueFrom/configMapKeyRef', 'name'),
      ...inContainers('envFrom/configMapRef', 'name'),
    ]),
  },
  {
    kind: 'Secret',
    referrers: [
      ...inPodSpecs([
        ['volumes/secret', 'secretName'],
        ['volumes/projected/sources/secret', 'name'],
        ['volumes/csi/nodePublishSecretRef', 'name'],
        ['imagePullSecrets', 'name'],
        ...inContainers('env/valueFrom/secretKeyRef', 'name'),
        ...inContainers('envFrom/secretRef', 'name'),
      ]),
      { kind: 'Ingress', path: 'spec/tls', nameField: 'secretName' },
      { kind: 'ServiceAccount', path: 'secrets', nameField: 'name' },
      { kind: 'ServiceAccount', path: 'imagePullSecrets', nameField: 'name' },
    ],
  },
  {
    kind: 'ServiceAccount',
    referrers: [
      ...inPodSpecs([
        ['', 'serviceAccountName'],
        ['', 'serviceAccount'],
      ]),
      ...['RoleBinding', 'ClusterRoleBinding'].map((kind) => ({
        kind,
        path: 'subjects',
        nameField: 'name',
        kindField: 'kind',
        namespaceField: 'namespace',
      })),
    ],
  },
  { kind: 'PersistentVolumeClaim', referrers: inPodSpecs([['volumes/persistentVolumeClaim', 'claimName']]) },
  { kind: 'PriorityClass', referrers: inPodSpecs([['', 'priorityClassName']]) },
  {
    kind: 'Service',
    referrers: [
      ...INGRESS_SERVICE_REFS,
      { kind: 'StatefulSet', path: 'spec', nameField: 'serviceName' },
      { kind: 'APIService', path: 'spec/service', nameField: 'name', namespaceField: 'namespace' },
      ...['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
        kind,
        path: 'webhooks/clientConfig/service',
        nameField: 'name',
        namespaceField: 'namespace',
      })),
    ],
  },
  {
    kind: 'Role',
    referrers: [{ kind: 'RoleBinding', path: 'roleRef', nameField: 'name', kindField: 'kind' }],
  },
  {
    kind: 'ClusterRole',
    referrers: ['RoleBinding', 'ClusterRoleBinding'].map((kind) => ({
      kind,
      path: 'roleRef',
      nameField: 'name',
      kindField: 'kind',
    })),
  },
  ...['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController'].map((kind) => ({
    kind,
    referrers: WORKLOAD_SCALERS,
  })),
  {
    kind: 'PersistentVolume',
    referrers: [{ kind: 'PersistentVolumeClaim', path: 'spec', nameField: 'volumeName' }],
  },
  {
    kind: 'StorageClass',
    referrers: [
      { kind: 'PersistentVolumeClaim', path: 'spec', nameField: 'storageClassName' },
      { kind: 'PersistentVolume', path: 'spec', nameField: 'storageClassName' },
      { kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec', nameField: 'storageClassName' },
    ],
  },
  { kind: 'IngressClass', referrers: [{ kind: 'Ingress', path: 'spec', nameField: 'ingressClassName' }] },
];
