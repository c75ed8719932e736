// Steps and helpers every source reconciler shares (spec source.md §1): the reconciler definition
// (storage check, the kind's step, finalizer), the storage check (a recorded artifact whose file
// is gone or corrupt is forgotten; old files are collected), turning a failed operation into a
// failure condition, and storing a new artifact: write, alias, status, conditions, NATS
// announcement, NewArtifact event.
import type { ByteSource } from '@flotilla/artifacts';
import type { EventBus } from '@flotilla/bus';
import type { ReconcilerDefinition, ReconcileScope, ReconcileStep } from '@flotilla/runtime';
import {
  clearFailures,
  describeError,
  failure,
  SourceConditions,
  SourceReasons,
  type FailureCondition,
} from './conditions.js';
import type { SourceConfig } from './config.js';
import { refOf, SOURCE_RESOURCES, type SourceKind, type SourceObject } from './source-object.js';
import { announceArtifact, type Artifact, type SourceStorage } from './storage.js';

/** What the reconcilers share inside one controller process. */
export interface SourceServices {
  readonly storage: SourceStorage;
  readonly bus: EventBus;
  readonly config: SourceConfig;
}

export function storageCheckStep<T extends SourceObject>(
  kind: string,
  services: SourceServices,
): ReconcileStep<T> {
  return {
    name: 'check storage',
    run: async (scope) => {
      // Failure conditions describe this attempt only; a failing step sets its own again.
      clearFailures(scope);
      const artifact = scope.status.artifact as Artifact | undefined;
      const ref = refOf(kind, scope.object);
      if (artifact && !(await services.storage.has(artifact))) {
        delete scope.status.artifact;
        scope.conditions.delete(SourceConditions.ArtifactInStorage);
        await scope.progress('building artifact: disappeared from storage');
      }
      try {
        await services.storage.gc(ref, (scope.status.artifact as Artifact | undefined)?.path);
      } catch (error) {
        scope.logger.info({ error: describeError(error) }, 'garbage collection failed');
      }
    },
  };
}

/**
 * The definition every source kind shares: the storage check, then the kind's own step; deleting
 * the object deletes its stored files. `extra` adds or overrides fields (interval, suspended).
 */
export function sourceReconciler<T extends SourceObject>(
  kind: SourceKind,
  services: SourceServices,
  step: ReconcileStep<T>,
  extra: Partial<ReconcilerDefinition<T>> = {},
): ReconcilerDefinition<T> {
  return {
    resource: SOURCE_RESOURCES[kind],
    reportingController: 'source-controller',
    steps: [storageCheckStep(kind, services), step],
    finalize: async (scope) => {
      await services.storage.deleteAll(refOf(kind, scope.object));
    },
    ...extra,
  };
}

export interface FailAs {
  type: FailureCondition;
  reason: string;
  /** Message prefix; the error's description follows after `: `. */
  message: string;
  stall?: boolean;
}

/** Runs `action`; whatever it throws becomes the failure `as` (the error kept as cause). */
export async function failingAs<R>(
  scope: Pick<ReconcileScope<SourceObject>, 'conditions'>,
  as: FailAs,
  action: () => R | Promise<R>,
): Promise<R> {
  try {
    return await action();
  } catch (error) {
    throw failure(scope, as.type, as.reason, `${as.message}: ${describeError(error)}`, {
      cause: error,
      ...(as.stall ? { stall: true } : {}),
    });
  }
}

/** Secret and credential lookups that fail are AuthenticationFailed (FetchFailed). */
export const credentialsFailure = (message: string): FailAs => ({
  type: 'FetchFailed',
  reason: SourceReasons.AuthenticationFailed,
  message,
});

/** Only the generic provider is implemented; others stall with InvalidProviderConfiguration. */
export function rejectUnsupportedProvider(
  scope: Pick<ReconcileScope<SourceObject>, 'conditions'>,
  provider: string | undefined,
): void {
  if (provider && provider !== 'generic')
    throw failure(
      scope,
      'FetchFailed',
      SourceReasons.InvalidProviderConfiguration,
      `provider '${provider}' is not supported by this controller`,
      { stall: true },
    );
}

export interface StoreOptions {
  kind: string;
  file: string;
  body: ByteSource;
  revision: string;
  metadata?: Record<string, string>;
  /** NewArtifact event message. */
  eventMessage: string;
  /** Ready message (default `stored artifact for revision '<rev>'`). */
  readyMessage?: string;
  readyReason?: string;
}

/** Stores the artifact and records it in status; StorageOperationFailed on errors. */
export async function storeArtifact(
  scope: ReconcileScope<SourceObject>,
  services: SourceServices,
  options: StoreOptions,
): Promise<Artifact> {
  const ref = refOf(options.kind, scope.object);
  const artifact = await failingAs(
    scope,
    {
      type: 'StorageOperationFailed',
      reason: SourceReasons.ArchiveOperationFailed,
      message: 'unable to store artifact',
    },
    () => services.storage.put(ref, options.file, options.body, options.revision, options.metadata),
  );
  scope.status.artifact = artifact;
  // The deprecated status.url (the stable alias); GitRepository v1 dropped the field.
  if (options.kind !== 'GitRepository') scope.status.url = services.storage.aliasUrl(ref);
  markStored(scope, options.revision, options.readyMessage, options.readyReason);
  scope.eventMetadata['source.toolkit.fluxcd.io/revision'] = artifact.revision;
  if (artifact.digest) scope.eventMetadata['source.toolkit.fluxcd.io/digest'] = artifact.digest;
  try {
    await announceArtifact(services.bus, ref, artifact);
  } catch (error) {
    scope.logger.error({ error: describeError(error) }, 'artifact announcement failed');
  }
  await scope.event({ severity: 'info', reason: SourceReasons.NewArtifact, message: options.eventMessage });
  return artifact;
}

/** Conditions of a reconcile that ends with `revision` in storage (new or unchanged). */
export function markStored(
  scope: ReconcileScope<SourceObject>,
  revision: string,
  message = `stored artifact for revision '${revision}'`,
  reason: string = SourceReasons.Succeeded,
): void {
  clearFailures(scope);
  scope.conditions.delete(SourceConditions.ArtifactOutdated);
  scope.conditions.markTrue(SourceConditions.ArtifactInStorage, SourceReasons.Succeeded, message);
  scope.setSuccess(reason, message);
}

/**
 * A new upstream revision: ArtifactOutdated while an older artifact is stored, and progress shown
 * at once (Reconciling "building artifact: …"), as Flux does.
 */
export async function markOutdated(
  scope: ReconcileScope<SourceObject>,
  revision: string,
  reason: string = SourceReasons.NewRevision,
  message = `new upstream revision '${revision}'`,
): Promise<void> {
  const current = (scope.status.artifact as Artifact | undefined)?.revision;
  if (current === revision) return;
  if (current !== undefined) scope.conditions.markTrue(SourceConditions.ArtifactOutdated, reason, message);
  await scope.progress(`building artifact: ${message}`);
}
