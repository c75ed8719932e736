// metav1.Condition handling with Flux's rules (spec README "Conditions"): observedGeneration is
// the object's generation whenever a condition is written; lastTransitionTime (RFC 3339, UTC,
// whole seconds) changes only when status, reason or message changes; messages are trimmed to
// 32768 characters; the list is ordered Stalled, Reconciling, Ready, then others by higher
// observedGeneration, then type.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const READY = 'Ready';
export const RECONCILING = 'Reconciling';
export const STALLED = 'Stalled';

/** Flux's generic reasons (spec README). */
export const Reasons = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  Suspended: 'Suspended',
  DependencyNotReady: 'DependencyNotReady',
  ArtifactFailed: 'ArtifactFailed',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  PruneFailed: 'PruneFailed',
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  InvalidPath: 'InvalidPath',
  InvalidURL: 'InvalidURL',
  InsecureConnectionsDisallowed: 'InsecureConnectionsDisallowed',
  UnsupportedConnectionType: 'UnsupportedConnectionType',
  InvalidCELExpression: 'InvalidCELExpression',
  FeatureGateDisabled: 'FeatureGateDisabled',
  HealthCheckCanceled: 'HealthCheckCanceled',
  AccessDenied: 'AccessDenied',
} as const;

export const MAX_CONDITION_MESSAGE_LENGTH = 32_768;
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const PRIORITY: Record<string, number> = { [STALLED]: 0, [RECONCILING]: 1, [READY]: 2 };

export function isValidReason(reason: string): boolean {
  return reason.length <= 1024 && REASON_PATTERN.test(reason);
}

export function trimConditionMessage(message: string): string {
  return message.length <= MAX_CONDITION_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_CONDITION_MESSAGE_LENGTH - 3)}...`;
}

/** metav1.Time: RFC 3339, UTC, whole seconds. */
export function formatKubeTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Flux's condition order. */
export function sortConditions(conditions: readonly Condition[]): Condition[] {
  return [...conditions].sort((a, b) => {
    const pa = PRIORITY[a.type];
    const pb = PRIORITY[b.type];
    if (pa !== undefined || pb !== undefined) return (pa ?? 3) - (pb ?? 3);
    const ga = a.observedGeneration ?? 0;
    const gb = b.observedGeneration ?? 0;
    if (ga !== gb) return gb - ga;
    return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
  });
}

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function conditionIs(
  conditions: readonly Condition[] | undefined,
  type: string,
  status: ConditionStatus,
): boolean {
  return findCondition(conditions, type)?.status === status;
}

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Returns `conditions` with `input` set: lastTransitionTime kept unless status, reason or message
 * changed; observedGeneration = `generation`; list re-sorted.
 */
export function setCondition(
  conditions: readonly Condition[],
  input: ConditionInput,
  context: { generation: number; now: number },
): Condition[] {
  if (!isValidReason(input.reason))
    throw new TypeError(`condition ${input.type}: reason '${input.reason}' is not CamelCase`);
  const message = trimConditionMessage(input.message);
  const existing = findCondition(conditions, input.type);
  const unchanged =
    existing !== undefined &&
    existing.status === input.status &&
    existing.reason === input.reason &&
    existing.message === message;
  const next: Condition = {
    type: input.type,
    status: input.status,
    observedGeneration: context.generation,
    lastTransitionTime: unchanged ? existing.lastTransitionTime : formatKubeTime(context.now),
    reason: input.reason,
    message,
  };
  return sortConditions([...conditions.filter((c) => c.type !== input.type), next]);
}

export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

/** A mutable condition list for reconcile steps, stamping the object's generation. */
export class ConditionSet {
  private list: Condition[];

  constructor(
    initial: readonly Condition[] | undefined,
    private readonly context: { generation: number; now: () => number },
  ) {
    this.list = sortConditions(initial ?? []);
  }

  get(type: string): Condition | undefined {
    return findCondition(this.list, type);
  }

  has(type: string): boolean {
    return this.get(type) !== undefined;
  }

  isTrue(type: string): boolean {
    return this.get(type)?.status === 'True';
  }

  isFalse(type: string): boolean {
    return this.get(type)?.status === 'False';
  }

  set(input: ConditionInput): void {
    this.list = setCondition(this.list, input, {
      generation: this.context.generation,
      now: this.context.now(),
    });
  }

  markTrue(type: string, reason: string, message: string): void {
    this.set({ type, status: 'True', reason, message });
  }

  markFalse(type: string, reason: string, message: string): void {
    this.set({ type, status: 'False', reason, message });
  }

  markUnknown(type: string, reason: string, message: string): void {
    this.set({ type, status: 'Unknown', reason, message });
  }

  delete(type: string): void {
    this.list = removeCondition(this.list, type);
  }

  /** Replaces the whole list (after a status write returned the stored conditions). */
  replace(conditions: readonly Condition[]): void {
    this.list = sortConditions(conditions);
  }

  toList(): Condition[] {
    return this.list.map((c) => ({ ...c }));
  }
}
