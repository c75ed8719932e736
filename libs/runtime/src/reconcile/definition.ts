// What a controller author writes: the kind, an ordered list of small steps, cleanup on
// deletion, and how to read interval/suspend from the object. Everything else (finalizer,
// suspend, conditions, status patching, events, requeue, metrics) is the runtime's.
import type { Logger } from 'pino';
import { tryParseDuration } from '@flotilla/config';
import type { RecordedEvent } from '../events/recorder.js';
import type { KubeClient } from '../kube/client.js';
import type { ApiObject, ResourceType } from '../kube/resource.js';
import type { ConditionSet } from './conditions.js';
import type { FluxStatus } from './summary.js';

export const FLUX_FINALIZER = 'finalizers.fluxcd.io';
export const REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt';

/**
 * What a step returns: nothing to go on with the next step; `{ requeueAfterMs }` to stop here
 * without error and come back later (Ready stays Unknown); `{ done: true }` to finish early as a
 * success.
 */
export type StepResult = void | undefined | { requeueAfterMs: number; message?: string } | { done: true };

export interface ReconcileScope<T extends ApiObject = ApiObject> {
  /** The object as last read or written during this reconcile. */
  readonly object: T;
  /** `namespace/name`. */
  readonly key: string;
  readonly generation: number;
  readonly reconcileId: string;
  readonly logger: Logger;
  /** Aborted when shutdown runs past its deadline. */
  readonly signal: AbortSignal;
  readonly kube: KubeClient;
  /** Working conditions; Ready, Reconciling and Stalled are set by the runtime at the end. */
  readonly conditions: ConditionSet;
  /** Working status fields other than conditions (artifact, lastAppliedRevision, …); written at the end. */
  readonly status: FluxStatus;
  /** Metadata for this reconcile's outcome events, e.g. `{ 'source.toolkit.fluxcd.io/revision': rev }`. */
  readonly eventMetadata: Record<string, string>;
  /** Ready reason and message used when every step succeeds. */
  setSuccess(reason: string, message: string): void;
  /** Shows progress now: Reconciling=True and Ready=Unknown with `message`, patched at once. */
  progress(message: string): Promise<void>;
  /** Records an event now (Kubernetes Event + bus). */
  event(event: RecordedEvent): Promise<void>;
  /** Emits the success event even if Ready did not change (e.g. a new revision was stored). */
  notifyOnSuccess(): void;
}

export interface ReconcileStep<T extends ApiObject = ApiObject> {
  /** For logs, e.g. 'fetch source'. */
  name: string;
  run(scope: ReconcileScope<T>): StepResult | Promise<StepResult>;
}

export interface FinalizeScope<T extends ApiObject = ApiObject> {
  readonly object: T;
  readonly key: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly kube: KubeClient;
  /** Deleting a suspended object: appliers skip pruning/uninstall (spec README). */
  readonly suspended: boolean;
}

export interface ReconcilerDefinition<T extends ApiObject = ApiObject> {
  /** The kind reconciled, at its storage version. */
  resource: ResourceType;
  /** Flux controller name: event source and reportingController, e.g. 'source-controller'. */
  reportingController: string;
  steps: readonly ReconcileStep<T>[];
  /** Cleanup before the finalizer is removed (delete artifacts, prune, uninstall). */
  finalize?: (scope: FinalizeScope<T>) => Promise<void> | void;
  /** Finalizer name (default finalizers.fluxcd.io); false: the kind needs none. */
  finalizer?: string | false;
  /** Requeue period after success (default: spec.interval); undefined = no periodic requeue. */
  interval?: (obj: T) => number | undefined;
  /** Requeue period after a failure instead of backoff (default: spec.retryInterval). */
  retryInterval?: (obj: T) => number | undefined;
  /** Default: spec.suspend === true. */
  suspended?: (obj: T) => boolean;
  /** Ready reason/message on success unless a step sets them (default Succeeded / 'reconciliation succeeded'). */
  success?: { reason: string; message: string };
  /** Ready reason of failures that are not ReconcileErrors (default Failed). */
  failureReason?: string;
  /** 'on-change' (default): success events only when Ready changes or a step asks; 'always': every success. */
  successEvents?: 'on-change' | 'always';
  /** Message of success events (default: the Ready message). */
  successEventMessage?: (info: {
    scope: ReconcileScope<T>;
    durationMs: number;
    nextRunMs: number | undefined;
  }) => string;
}

function specOf(obj: ApiObject): Record<string, unknown> {
  const spec = obj.spec;
  return spec && typeof spec === 'object' ? (spec as Record<string, unknown>) : {};
}

/** spec.<field> as a Go duration in ms; undefined when absent or unparsable. */
export function specDuration(obj: ApiObject, field: string): number | undefined {
  const value = specOf(obj)[field];
  return typeof value === 'string' ? tryParseDuration(value) : undefined;
}

export const defaultInterval = (obj: ApiObject): number | undefined => specDuration(obj, 'interval');
export const defaultRetryInterval = (obj: ApiObject): number | undefined =>
  specDuration(obj, 'retryInterval');
export const defaultSuspended = (obj: ApiObject): boolean => specOf(obj).suspend === true;

export function requestedAtOf(obj: ApiObject): string | undefined {
  return obj.metadata?.annotations?.[REQUESTED_AT_ANNOTATION];
}
