// The three kinds of reconcile failure, as Flux distinguishes them:
// - StallingError: retrying cannot help until the spec changes (Stalled=True, no requeue);
// - WaitingError: something else must happen first (Ready=False, requeue after a delay);
// - anything else: a generic failure (Ready=False, exponential backoff or spec.retryInterval).
import { isValidReason, Reasons } from './conditions.js';

export type ReconcileErrorCode = 'RECONCILE_STALLED' | 'RECONCILE_WAITING' | 'RECONCILE_FAILED';

export class ReconcileError extends Error {
  readonly code: ReconcileErrorCode = 'RECONCILE_FAILED';

  /** `reason` becomes the Ready (and event) reason: CamelCase, e.g. 'GitOperationFailed'. */
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    if (!isValidReason(reason)) throw new TypeError(`reconcile error reason '${reason}' is not CamelCase`);
    this.name = 'ReconcileError';
  }
}

export class StallingError extends ReconcileError {
  override readonly code = 'RECONCILE_STALLED';
  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(reason, message, options);
    this.name = 'StallingError';
  }
}

export class WaitingError extends ReconcileError {
  override readonly code = 'RECONCILE_WAITING';
  /** Requeue delay; the controller's --requeue-dependency when omitted. */
  readonly requeueAfterMs: number | undefined;

  constructor(reason: string, message: string, options: ErrorOptions & { requeueAfterMs?: number } = {}) {
    super(reason, message, options);
    this.name = 'WaitingError';
    this.requeueAfterMs = options.requeueAfterMs;
  }
}

/** A dependency or source is not ready yet (Flux's DependencyNotReady, requeue-dependency). */
export function dependencyNotReady(message: string, requeueAfterMs?: number): WaitingError {
  return new WaitingError(Reasons.DependencyNotReady, message, { requeueAfterMs });
}

/** The reason a failure reports: its own for ReconcileErrors, else `fallback`. */
export function failureReason(error: unknown, fallback: string): string {
  return error instanceof ReconcileError ? error.reason : fallback;
}
