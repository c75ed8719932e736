// kstatus for any object (kustomize.md §9): built-in rules for workloads, Pods, Jobs, PVCs,
// Services and CRDs; Flux's generic rules (observedGeneration, Reconciling, Stalled, Ready) for
// everything else, which is what @flotilla/runtime's computeKStatus implements.
import { computeKStatus, type ApiObject } from '@flotilla/runtime';

export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound';

export interface HealthResult {
  status: HealthStatus;
  message: string;
}

interface Cond {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

type Status = Record<string, unknown> & { conditions?: Cond[]; observedGeneration?: number };

const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const current = (message = 'Resource is current'): HealthResult => ({ status: 'Current', message });
const progressing = (message: string): HealthResult => ({ status: 'InProgress', message });
const failed = (message: string): HealthResult => ({ status: 'Failed', message });

function condition(status: Status, type: string): Cond | undefined {
  return Array.isArray(status.conditions) ? status.conditions.find((c) => c.type === type) : undefined;
}

function specReplicas(obj: ApiObject): number {
  const replicas = (obj.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

function generationObserved(obj: ApiObject, status: Status): boolean {
  const generation = obj.metadata?.generation;
  return generation === undefined || status.observedGeneration === generation;
}

function deploymentHealth(obj: ApiObject, status: Status): HealthResult {
  if (!generationObserved(obj, status)) return progressing('Deployment generation not observed yet');
  const progressingCond = condition(status, 'Progressing');
  if (progressingCond?.reason === 'ProgressDeadlineExceeded')
    return failed(`Progress deadline exceeded: ${progressingCond.message ?? ''}`.trim());
  const want = specReplicas(obj);
  if (num(status.updatedReplicas) < want)
    return progressing(`Updated: ${num(status.updatedReplicas)}/${want}`);
  if (num(status.replicas) > num(status.updatedReplicas))
    return progressing(`Pending termination: ${num(status.replicas) - num(status.updatedReplicas)}`);
  if (num(status.availableReplicas) < want)
    return progressing(`Available: ${num(status.availableReplicas)}/${want}`);
  if (num(status.readyReplicas) < want) return progressing(`Ready: ${num(status.readyReplicas)}/${want}`);
  return current(`Deployment is available. Replicas: ${want}`);
}

function replicatedHealth(kind: string, obj: ApiObject, status: Status): HealthResult {
  if (!generationObserved(obj, status)) return progressing(`${kind} generation not observed yet`);
  const want = specReplicas(obj);
  if (num(status.readyReplicas) < want) return progressing(`Ready: ${num(status.readyReplicas)}/${want}`);
  if (kind === 'StatefulSet' && status.currentRevision !== status.updateRevision)
    return progressing('StatefulSet rolling update in progress');
  return current(`${kind} is ready. Replicas: ${want}`);
}

function daemonSetHealth(obj: ApiObject, status: Status): HealthResult {
  if (!generationObserved(obj, status)) return progressing('DaemonSet generation not observed yet');
  const desired = num(status.desiredNumberScheduled);
  if (num(status.updatedNumberScheduled) < desired || num(status.numberAvailable) < desired)
    return progressing(`Available: ${num(status.numberAvailable)}/${desired}`);
  return current(`All replicas scheduled as expected. Replicas: ${desired}`);
}

function podHealth(status: Status): HealthResult {
  if (status.phase === 'Succeeded') return current('Pod has completed successfully');
  if (status.phase === 'Failed') return failed('Pod has completed, but not successfully');
  const containers = Array.isArray(status.containerStatuses)
    ? (status.containerStatuses as { state?: { waiting?: { reason?: string } } }[])
    : [];
  if (containers.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff'))
    return failed('Pod is in CrashLoopBackOff');
  if (status.phase === 'Running' && condition(status, 'Ready')?.status === 'True')
    return current('Pod is Ready');
  return progressing('Pod is not Ready');
}

function jobHealth(obj: ApiObject, status: Status): HealthResult {
  if ((obj.spec as { suspend?: unknown } | undefined)?.suspend === true) return current('Job is suspended');
  if (condition(status, 'Failed')?.status === 'True') return failed('Job has failed');
  if (condition(status, 'Complete')?.status === 'True') return current('Job Completed');
  return progressing('Job in progress');
}

function crdHealth(status: Status): HealthResult {
  if (condition(status, 'NamesAccepted')?.status === 'False') return failed('CRD names not accepted');
  if (condition(status, 'Established')?.status === 'True') return current('CRD is established');
  return progressing('CRD is not established');
}

function genericHealth(obj: ApiObject): HealthResult {
  const result = computeKStatus(obj);
  return { status: result.status, message: result.message };
}

const ALWAYS_CURRENT = new Set(['ConfigMap', 'Secret', 'CronJob', 'PodDisruptionBudget', 'ServiceAccount']);

function builtinHealth(kind: string, obj: ApiObject, status: Status): HealthResult | undefined {
  switch (kind) {
    case 'Deployment':
      return deploymentHealth(obj, status);
    case 'StatefulSet':
    case 'ReplicaSet':
      return replicatedHealth(kind, obj, status);
    case 'DaemonSet':
      return daemonSetHealth(obj, status);
    case 'Pod':
      return podHealth(status);
    case 'Job':
      return jobHealth(obj, status);
    case 'PersistentVolumeClaim':
      return status.phase === 'Bound' ? current('PVC is Bound') : progressing('PVC is not Bound');
    case 'Service': {
      const spec = (obj.spec ?? {}) as { type?: string; clusterIP?: string };
      if (spec.type === 'LoadBalancer' && !spec.clusterIP) return progressing('ClusterIP not set');
      return current('Service is ready');
    }
    case 'CustomResourceDefinition':
      return crdHealth(status);
    default:
      return ALWAYS_CURRENT.has(kind) ? current() : undefined;
  }
}

/** kstatus of a live object (undefined → NotFound). */
export function objectHealth(obj: ApiObject | undefined): HealthResult {
  if (!obj) return { status: 'NotFound', message: 'Resource not found' };
  if (obj.metadata?.deletionTimestamp)
    return { status: 'Terminating', message: 'Resource scheduled for deletion' };
  const status = (obj.status && typeof obj.status === 'object' ? obj.status : {}) as Status;
  const group = (obj.apiVersion ?? '').includes('/') ? (obj.apiVersion ?? '').split('/')[0] : '';
  const builtin =
    group === '' || group === 'apps' || group === 'batch' || group === 'apiextensions.k8s.io'
      ? builtinHealth(obj.kind ?? '', obj, status)
      : undefined;
  return builtin ?? genericHealth(obj);
}
