// Typed failures of the apply manager; each carries the change set made before it failed so
// the caller can report partial progress (Flux puts it in the Ready message).
import type { ChangeSet } from './change-set.js';

export type SsaErrorCode = 'SSA_VALIDATION_FAILED' | 'SSA_APPLY_FAILED' | 'SSA_DELETE_FAILED' | 'SSA_HEALTH';

export class SsaError extends Error {
  constructor(
    readonly code: SsaErrorCode,
    message: string,
    readonly changeSet: ChangeSet,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SsaError';
  }
}

/** One or more objects failed the server-side dry-run: nothing of this set was applied. */
export class ValidationError extends SsaError {
  constructor(
    readonly problems: string[],
    changeSet: ChangeSet,
  ) {
    super('SSA_VALIDATION_FAILED', problems.join('\n'), changeSet);
    this.name = 'ValidationError';
  }
}

/** A write failed part-way through the stages. */
export class ApplyError extends SsaError {
  constructor(message: string, changeSet: ChangeSet, options?: ErrorOptions) {
    super('SSA_APPLY_FAILED', message, changeSet, options);
    this.name = 'ApplyError';
  }
}

/** Some deletions failed; the rest happened. */
export class DeleteError extends SsaError {
  constructor(
    readonly problems: string[],
    changeSet: ChangeSet,
  ) {
    super('SSA_DELETE_FAILED', problems.join('\n'), changeSet);
    this.name = 'DeleteError';
  }
}

/** Objects failed or did not become Current before the deadline. */
export class HealthCheckError extends SsaError {
  constructor(
    message: string,
    readonly timedOut: boolean,
    changeSet: ChangeSet,
  ) {
    super('SSA_HEALTH', message, changeSet);
    this.name = 'HealthCheckError';
  }
}
