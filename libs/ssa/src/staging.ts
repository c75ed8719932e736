// Apply order as Flux stages it (kustomize.md §6): cluster definitions first (CRDs, Namespaces,
// ClusterRoles), then `*Class` kinds, then everything else; inside a stage, kinds by priority.
import type { ApiObject } from '@flotilla/runtime';
import { splitApiVersion } from './object-id.js';

export type Stage = 'definitions' | 'classes' | 'resources';

export const STAGES: readonly Stage[] = ['definitions', 'classes', 'resources'];

const KIND_PRIORITY = [
  'CustomResourceDefinition',
  'Namespace',
  'ClusterRole',
  '*Class',
  'ClusterRoleBinding',
  'ResourceQuota',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

export function isClassKind(kind: string): boolean {
  return kind.endsWith('Class') && kind !== 'Class';
}

export function stageOf(obj: ApiObject): Stage {
  const kind = obj.kind ?? '';
  const { group } = splitApiVersion(obj.apiVersion ?? '');
  if (group === 'apiextensions.k8s.io' || (group === '' && kind === 'Namespace')) return 'definitions';
  if (group === 'rbac.authorization.k8s.io' && kind === 'ClusterRole') return 'definitions';
  if (isClassKind(kind)) return 'classes';
  return 'resources';
}

export function kindPriority(kind: string): number {
  const index = KIND_PRIORITY.indexOf(isClassKind(kind) ? '*Class' : kind);
  return index < 0 ? KIND_PRIORITY.length : index;
}

function compareObjects(a: ApiObject, b: ApiObject): number {
  const byKind = kindPriority(a.kind ?? '') - kindPriority(b.kind ?? '');
  if (byKind !== 0) return byKind;
  const keys = (o: ApiObject) => [o.kind ?? '', o.metadata?.namespace ?? '', o.metadata?.name ?? ''];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++) {
    const order = (ka[i] ?? '').localeCompare(kb[i] ?? '');
    if (order !== 0) return order;
  }
  return 0;
}

/** Objects in apply order. */
export function sortForApply<T extends ApiObject>(objects: readonly T[]): T[] {
  return [...objects].sort(compareObjects);
}

/** Objects grouped by stage, each group in apply order. */
export function stagesOf<T extends ApiObject>(objects: readonly T[]): Map<Stage, T[]> {
  const stages = new Map<Stage, T[]>(STAGES.map((s) => [s, []]));
  for (const obj of sortForApply(objects)) stages.get(stageOf(obj))?.push(obj);
  return stages;
}
