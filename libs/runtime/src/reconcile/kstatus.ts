// kstatus as waiters (flux CLI, kubectl wait, cli-utils) compute it for custom resources
// (spec README "kstatus"; kube-api.md §8): the contract the condition summary must satisfy.
import { findCondition, READY, RECONCILING, STALLED, type Condition } from './conditions.js';
import type { ApiObject } from '../kube/resource.js';

export type KStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating';

export interface KStatusResult {
  status: KStatus;
  message: string;
}

export function computeKStatus(obj: ApiObject): KStatusResult {
  const metadata = obj.metadata ?? {};
  if (metadata.deletionTimestamp)
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  const status = (obj.status ?? {}) as { observedGeneration?: number; conditions?: Condition[] };
  if (status.observedGeneration !== undefined && status.observedGeneration !== metadata.generation)
    return { status: 'InProgress', message: 'Resource has not been observed at its current generation' };
  const conditions = status.conditions;
  const reconciling = findCondition(conditions, RECONCILING);
  if (reconciling?.status === 'True') return { status: 'InProgress', message: reconciling.message };
  const stalled = findCondition(conditions, STALLED);
  if (stalled?.status === 'True') return { status: 'Failed', message: stalled.message };
  const ready = findCondition(conditions, READY);
  if (!ready) return { status: 'Current', message: 'Resource is current' };
  return { status: ready.status === 'True' ? 'Current' : 'InProgress', message: ready.message };
}
