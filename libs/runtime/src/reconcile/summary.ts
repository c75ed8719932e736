// The one place that decides Ready / Reconciling / Stalled and status.observedGeneration from a
// reconcile's outcome, so every controller satisfies kstatus the same way (spec README):
// working → Reconciling=True + Ready=Unknown; success → Ready=True, Reconciling and Stalled gone;
// failure or waiting → Ready=False, Reconciling=True (ProgressingWithRetry); stalled →
// Stalled=True + Ready=False, Reconciling gone. observedGeneration advances only on success or
// stall, so waiters see InProgress until the generation is really done.
import {
  findCondition,
  READY,
  Reasons,
  RECONCILING,
  removeCondition,
  setCondition,
  STALLED,
  type Condition,
} from './conditions.js';

/** The status fields every Flux object has; controllers add their own. */
export interface FluxStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
  [field: string]: unknown;
}

export type OutcomeKind = 'succeeded' | 'progressing' | 'waiting' | 'failed' | 'stalled';

export interface ReconcileOutcome {
  kind: OutcomeKind;
  /** Ready reason (and Stalled reason when stalled). */
  reason: string;
  message: string;
}

export interface SummaryContext {
  generation: number;
  now: number;
  /** Value of reconcile.fluxcd.io/requestedAt, copied to lastHandledReconcileAt. */
  requestedAt?: string;
}

export const DEFAULT_PROGRESS_MESSAGE = 'reconciliation in progress';

/** True when a reconcile must first show itself as in progress (new generation, not Ready, retrying). */
export function needsProgressMark(status: FluxStatus, generation: number): boolean {
  const conditions = status.conditions;
  return (
    status.observedGeneration !== generation ||
    findCondition(conditions, READY)?.status !== 'True' ||
    findCondition(conditions, STALLED) !== undefined ||
    findCondition(conditions, RECONCILING) !== undefined
  );
}

/**
 * Reconciling=True and Ready=Unknown with `message`; the reason is ProgressingWithRetry when the
 * previous attempt failed (Ready=False), else Progressing. Stalled is cleared: work restarts.
 */
export function markProgressing(status: FluxStatus, message: string, context: SummaryContext): FluxStatus {
  const reason =
    findCondition(status.conditions, READY)?.status === 'False' ||
    findCondition(status.conditions, RECONCILING)?.reason === Reasons.ProgressingWithRetry
      ? Reasons.ProgressingWithRetry
      : Reasons.Progressing;
  let conditions = removeCondition(status.conditions ?? [], STALLED);
  conditions = setCondition(conditions, { type: RECONCILING, status: 'True', reason, message }, context);
  conditions = setCondition(conditions, { type: READY, status: 'Unknown', reason, message }, context);
  return { ...status, conditions };
}

function retrying(conditions: Condition[], fallbackMessage: string, context: SummaryContext): Condition[] {
  const message = findCondition(conditions, RECONCILING)?.message ?? fallbackMessage;
  return setCondition(
    conditions,
    { type: RECONCILING, status: 'True', reason: Reasons.ProgressingWithRetry, message },
    context,
  );
}

/** The status to write at the end of a reconcile. */
export function summarizeStatus(
  status: FluxStatus,
  outcome: ReconcileOutcome,
  context: SummaryContext,
): FluxStatus {
  const { reason, message } = outcome;
  let conditions = status.conditions ?? [];
  let observedGeneration = status.observedGeneration;
  switch (outcome.kind) {
    case 'succeeded':
      conditions = removeCondition(removeCondition(conditions, STALLED), RECONCILING);
      conditions = setCondition(conditions, { type: READY, status: 'True', reason, message }, context);
      observedGeneration = context.generation;
      break;
    case 'progressing':
      return {
        ...markProgressing({ ...status, conditions }, message, context),
        ...lastHandled(status, context),
      };
    case 'waiting':
    case 'failed':
      conditions = removeCondition(conditions, STALLED);
      conditions = setCondition(conditions, { type: READY, status: 'False', reason, message }, context);
      conditions = retrying(conditions, message, context);
      break;
    case 'stalled':
      conditions = removeCondition(conditions, RECONCILING);
      conditions = setCondition(conditions, { type: STALLED, status: 'True', reason, message }, context);
      conditions = setCondition(conditions, { type: READY, status: 'False', reason, message }, context);
      observedGeneration = context.generation;
      break;
  }
  return { ...status, conditions, observedGeneration, ...lastHandled(status, context) };
}

function lastHandled(
  status: FluxStatus,
  context: SummaryContext,
): Pick<FluxStatus, 'lastHandledReconcileAt'> {
  return context.requestedAt !== undefined
    ? { lastHandledReconcileAt: context.requestedAt }
    : status.lastHandledReconcileAt !== undefined
      ? { lastHandledReconcileAt: status.lastHandledReconcileAt }
      : {};
}
