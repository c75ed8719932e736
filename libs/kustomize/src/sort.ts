// Output order: kustomize's default `legacy` sort (by kind order, then GVK, then namespace/name)
// or `fifo` (as accumulated).
import {
  groupVersionOf,
  isClusterScopedObject,
  kindOf,
  nameOf,
  namespaceOf,
  type Resource,
} from './resource.js';

export const LEGACY_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];

export const LEGACY_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

export interface LegacyOrder {
  readonly orderFirst: readonly string[];
  readonly orderLast: readonly string[];
}

function kindRank(order: LegacyOrder, kind: string): number {
  const first = order.orderFirst.indexOf(kind);
  if (first >= 0) return first - order.orderFirst.length;
  const last = order.orderLast.indexOf(kind);
  return last >= 0 ? last + 1 : 0;
}

function gvkString(resource: Resource): string {
  const { group, version } = groupVersionOf(resource.object);
  return `${group || '~G'}_${version || '~V'}_${kindOf(resource.object) || '~K'}`;
}

function idString(resource: Resource): string {
  const namespace = isClusterScopedObject(resource.object) ? '~X' : namespaceOf(resource.object) || 'default';
  return `${namespace}|${nameOf(resource.object)}`;
}

export function legacySort(resources: readonly Resource[], order: LegacyOrder = defaultOrder()): Resource[] {
  return [...resources].sort((a, b) => {
    const rank = kindRank(order, kindOf(a.object)) - kindRank(order, kindOf(b.object));
    if (rank !== 0) return rank;
    const [gvkA, gvkB] = [gvkString(a), gvkString(b)];
    if (gvkA !== gvkB) return gvkA < gvkB ? -1 : 1;
    const [idA, idB] = [idString(a), idString(b)];
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  });
}

function defaultOrder(): LegacyOrder {
  return { orderFirst: LEGACY_ORDER_FIRST, orderLast: LEGACY_ORDER_LAST };
}
