// A small reading of cli-utils kstatus (kube-api.md §8), enough to check what the kubelet
// simulator writes is read as Current or Failed.
type Obj = {
  metadata: Record<string, unknown>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  kind: string;
};
type Condition = { type: string; status: string; reason?: string };

export type KStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating';

const cond = (obj: Obj, type: string): Condition | undefined =>
  ((obj.status?.conditions as Condition[] | undefined) ?? []).find((c) => c.type === type);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function deployment(obj: Obj): KStatus {
  const spec = num(obj.spec?.replicas ?? 1);
  const s = obj.status ?? {};
  if (cond(obj, 'Progressing')?.reason === 'ProgressDeadlineExceeded') return 'Failed';
  if (
    num(s.replicas) !== spec ||
    num(s.updatedReplicas) < spec ||
    num(s.availableReplicas) < num(s.updatedReplicas) ||
    num(s.readyReplicas) < spec
  ) {
    return 'InProgress';
  }
  const ok =
    cond(obj, 'Available')?.status === 'True' &&
    cond(obj, 'Progressing')?.reason === 'NewReplicaSetAvailable';
  return ok ? 'Current' : 'InProgress';
}

function statefulSet(obj: Obj): KStatus {
  const spec = num(obj.spec?.replicas ?? 1);
  const s = obj.status ?? {};
  if (num(s.replicas) !== spec || num(s.readyReplicas) < spec || num(s.currentReplicas) < spec)
    return 'InProgress';
  return s.currentRevision === s.updateRevision ? 'Current' : 'InProgress';
}

function daemonSet(obj: Obj): KStatus {
  const s = obj.status ?? {};
  const desired = num(s.desiredNumberScheduled);
  if (s.observedGeneration === undefined) return 'InProgress';
  const ok =
    desired <= num(s.currentNumberScheduled) &&
    desired <= num(s.updatedNumberScheduled) &&
    desired <= num(s.numberAvailable) &&
    desired <= num(s.numberReady);
  return ok ? 'Current' : 'InProgress';
}

function job(obj: Obj): KStatus {
  if (cond(obj, 'Complete')?.status === 'True') return 'Current';
  if (cond(obj, 'Failed')?.status === 'True') return 'Failed';
  return obj.status?.startTime ? 'Current' : 'InProgress';
}

function pod(obj: Obj): KStatus {
  const phase = obj.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'Current';
  const statuses =
    (obj.status?.containerStatuses as { state?: { waiting?: { reason?: string } } }[] | undefined) ?? [];
  if (statuses.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff')) return 'Failed';
  return phase === 'Running' && cond(obj, 'Ready')?.status === 'True' ? 'Current' : 'InProgress';
}

const BY_KIND: Record<string, (obj: Obj) => KStatus> = {
  Deployment: deployment,
  StatefulSet: statefulSet,
  DaemonSet: daemonSet,
  Job: job,
  Pod: pod,
};

export function kstatus(obj: Obj): KStatus {
  if (obj.metadata.deletionTimestamp) return 'Terminating';
  const observed = obj.status?.observedGeneration;
  if (observed !== undefined && observed !== obj.metadata.generation) return 'InProgress';
  if (cond(obj, 'Reconciling')?.status === 'True') return 'InProgress';
  if (cond(obj, 'Stalled')?.status === 'True') return 'Failed';
  return (BY_KIND[obj.kind] ?? (() => 'Current'))(obj);
}
