// Source condition types and reasons (spec source.md §1) and the way a failing step records
// them: one abnormal-true condition with a specific reason, then a typed error whose reason
// becomes Ready's. The last good artifact stays in status (ArtifactInStorage stays True).
import { ReconcileError, StallingError, WaitingError, type ReconcileScope } from '@flotilla/runtime';
import type { SourceObject } from './source-object.js';

export const SourceConditions = {
  ArtifactInStorage: 'ArtifactInStorage',
  ArtifactOutdated: 'ArtifactOutdated',
  FetchFailed: 'FetchFailed',
  BuildFailed: 'BuildFailed',
  StorageOperationFailed: 'StorageOperationFailed',
  IncludeUnavailable: 'IncludeUnavailable',
  SourceVerified: 'SourceVerified',
} as const;

export type FailureCondition =
  'FetchFailed' | 'BuildFailed' | 'StorageOperationFailed' | 'IncludeUnavailable';

const FAILURE_CONDITIONS: readonly FailureCondition[] = [
  'FetchFailed',
  'BuildFailed',
  'StorageOperationFailed',
  'IncludeUnavailable',
];

export const SourceReasons = {
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  NewRevision: 'NewRevision',
  NewChart: 'NewChart',
  AuthenticationFailed: 'AuthenticationFailed',
  URLInvalid: 'URLInvalid',
  VerificationError: 'VerificationError',
  GitOperationFailed: 'GitOperationFailed',
  GitOperationSucceeded: 'GitOperationSucceeded',
  OCIArtifactPullFailed: 'OCIArtifactPullFailed',
  OCIArtifactLayerOperationFailed: 'OCIArtifactLayerOperationFailed',
  IndexationFailed: 'IndexationFailed',
  IndexationSucceeded: 'IndexationSucceeded',
  ChartPullFailed: 'ChartPullFailed',
  ChartPullSucceeded: 'ChartPullSucceeded',
  ChartPackageFailed: 'ChartPackageFailed',
  ChartPackageSucceeded: 'ChartPackageSucceeded',
  InvalidChartReference: 'InvalidChartReference',
  BucketOperationFailed: 'BucketOperationFailed',
  BucketOperationSucceeded: 'BucketOperationSucceeded',
  StatOperationFailed: 'StatOperationFailed',
  ReadOperationFailed: 'ReadOperationFailed',
  ArchiveOperationFailed: 'ArchiveOperationFailed',
  InvalidPath: 'InvalidPath',
  ArtifactUpToDate: 'ArtifactUpToDate',
  SourceUnavailable: 'SourceUnavailable',
  NoSourceArtifact: 'NoSourceArtifact',
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
  InvalidProviderConfiguration: 'InvalidProviderConfiguration',
  SourceIgnoreError: 'SourceIgnoreError',
  NewArtifact: 'NewArtifact',
  Unsupported: 'unsupported',
} as const;

/**
 * Marks `type` True with `reason` and returns the error to throw: stalled errors stop requeueing
 * until the spec changes, the others retry with backoff.
 */
export function failure(
  scope: Pick<ReconcileScope<SourceObject>, 'conditions'>,
  type: FailureCondition,
  reason: string,
  message: string,
  options: { stall?: boolean; wait?: boolean; cause?: unknown } = {},
): ReconcileError {
  scope.conditions.markTrue(type, reason, message);
  const errorOptions = options.cause === undefined ? undefined : { cause: options.cause };
  if (options.stall) return new StallingError(reason, message, errorOptions);
  if (options.wait) return new WaitingError(reason, message, errorOptions);
  return new ReconcileError(reason, message, errorOptions);
}

/** Clears every failure condition (after a fully successful reconcile). */
export function clearFailures(scope: ReconcileScope<SourceObject>): void {
  for (const type of FAILURE_CONDITIONS) scope.conditions.delete(type);
}

/** The message of an error, plus its cause's when that says more. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && !error.message.includes(cause) ? `${error.message}: ${cause}` : error.message;
}
