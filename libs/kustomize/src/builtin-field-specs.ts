// kustomize's default transformer configurations (api/konfig/builtinpluginconsts), as field specs.
import type { FieldSpec } from './field-specs.js';

const POD_AFFINITY_SELECTORS = [
  'podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
];

function affinitySpecs(kind: string, group: string): FieldSpec[] {
  return POD_AFFINITY_SELECTORS.map((suffix) => ({
    path: `spec/template/spec/affinity/${suffix}`,
    kind,
    group,
    create: false,
  }));
}

/** Pod-template label fields (`labels` with `includeTemplates`, and part of `commonLabels`). */
export const TEMPLATE_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'spec/template/metadata/labels', kind: 'ReplicationController', version: 'v1', create: true },
  { path: 'spec/template/metadata/labels', kind: 'Deployment', create: true },
  { path: 'spec/template/metadata/labels', kind: 'ReplicaSet', create: true },
  { path: 'spec/template/metadata/labels', kind: 'DaemonSet', create: true },
  { path: 'spec/template/metadata/labels', kind: 'StatefulSet', group: 'apps', create: true },
  { path: 'spec/template/metadata/labels', kind: 'Job', group: 'batch', create: true },
  { path: 'spec/jobTemplate/metadata/labels', kind: 'CronJob', group: 'batch', create: true },
  { path: 'spec/jobTemplate/spec/template/metadata/labels', kind: 'CronJob', group: 'batch', create: true },
];

/** Selector fields (`commonLabels`, and `labels` with `includeSelectors`). */
export const SELECTOR_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'spec/selector', kind: 'Service', version: 'v1', create: true },
  { path: 'spec/selector', kind: 'ReplicationController', version: 'v1', create: true },
  { path: 'spec/selector/matchLabels', kind: 'Deployment', create: true },
  ...affinitySpecs('Deployment', 'apps'),
  { path: 'spec/selector/matchLabels', kind: 'ReplicaSet', create: true },
  { path: 'spec/selector/matchLabels', kind: 'DaemonSet', create: true },
  { path: 'spec/selector/matchLabels', kind: 'StatefulSet', group: 'apps', create: true },
  ...affinitySpecs('StatefulSet', 'apps'),
  { path: 'spec/volumeClaimTemplates[]/metadata/labels', kind: 'StatefulSet', group: 'apps', create: true },
  { path: 'spec/selector/matchLabels', kind: 'Job', group: 'batch', create: false },
  { path: 'spec/jobTemplate/spec/selector/matchLabels', kind: 'CronJob', group: 'batch', create: false },
  { path: 'spec/selector/matchLabels', kind: 'PodDisruptionBudget', group: 'policy', create: false },
  { path: 'spec/podSelector/matchLabels', kind: 'NetworkPolicy', group: 'networking.k8s.io', create: false },
  {
    path: 'spec/ingress[]/from[]/podSelector/matchLabels',
    kind: 'NetworkPolicy',
    group: 'networking.k8s.io',
    create: false,
  },
  {
    path: 'spec/egress[]/to[]/podSelector/matchLabels',
    kind: 'NetworkPolicy',
    group: 'networking.k8s.io',
    create: false,
  },
];

export const METADATA_LABEL_SPECS: readonly FieldSpec[] = [{ path: 'metadata/labels', create: true }];

export const COMMON_LABEL_SPECS: readonly FieldSpec[] = [
  ...METADATA_LABEL_SPECS,
  ...SELECTOR_LABEL_SPECS,
  ...TEMPLATE_LABEL_SPECS,
];

export const COMMON_ANNOTATION_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'ReplicationController', version: 'v1', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'Deployment', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'ReplicaSet', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'DaemonSet', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'StatefulSet', group: 'apps', create: true },
  { path: 'spec/template/metadata/annotations', kind: 'Job', group: 'batch', create: true },
  { path: 'spec/jobTemplate/metadata/annotations', kind: 'CronJob', group: 'batch', create: true },
  {
    path: 'spec/jobTemplate/spec/template/metadata/annotations',
    kind: 'CronJob',
    group: 'batch',
    create: true,
  },
];

export const REPLICA_SPECS: readonly FieldSpec[] = [
  { path: 'spec/replicas', kind: 'Deployment', create: true },
  { path: 'spec/replicas', kind: 'ReplicationController', create: true },
  { path: 'spec/replicas', kind: 'ReplicaSet', create: true },
  { path: 'spec/replicas', kind: 'StatefulSet', create: true },
];
