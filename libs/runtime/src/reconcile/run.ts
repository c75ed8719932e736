// One reconcile of one object, in Flux's order: deletion (cleanup, then drop the finalizer),
// add the finalizer, suspend (record lastHandledReconcileAt only), show progress, run the steps,
// then summarise conditions and patch status once, emit the outcome event, and decide when to
// come back.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { formatDuration } from '@flotilla/config';
import type { EventRecorder, RecordedEvent } from '../events/recorder.js';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { ApiObject } from '../kube/resource.js';
import { jitterInterval, type RandomSource } from '../queue/backoff.js';
import { ConditionSet, findCondition, READY, Reasons, type Condition } from './conditions.js';
import {
  defaultInterval,
  defaultRetryInterval,
  defaultSuspended,
  FLUX_FINALIZER,
  requestedAtOf,
  type FinalizeScope,
  type ReconcilerDefinition,
  type ReconcileScope,
} from './definition.js';
import { failureReason, StallingError, WaitingError } from './errors.js';
import { patchStatus, updateFinalizers, type PatchTarget } from './status-patch.js';
import {
  DEFAULT_PROGRESS_MESSAGE,
  markProgressing,
  needsProgressMark,
  summarizeStatus,
  type FluxStatus,
  type ReconcileOutcome,
} from './summary.js';

export type RunResult = ReconcileOutcome['kind'] | 'suspended' | 'deleted' | 'terminating' | 'gone';

export type Requeue =
  | { type: 'none' }
  | { type: 'after'; delayMs: number; reason: 'interval' | 'requeue' | 'dependency' | 'retry-interval' }
  | { type: 'backoff' };

export interface RunReport {
  result: RunResult;
  requeue: Requeue;
  reconcileId: string;
  /** The object as stored after the reconcile, when it still exists. */
  object?: ApiObject;
  error?: Error;
  outcome?: ReconcileOutcome;
}

export interface RunSettings {
  intervalJitterPercentage: number;
  requeueDependencyMs: number;
}

export interface RunDependencies<T extends ApiObject> {
  definition: ReconcilerDefinition<T>;
  kube: KubeClient;
  recorder: EventRecorder;
  logger: Logger;
  settings: RunSettings;
  random: RandomSource;
  now: () => number;
  signal: AbortSignal;
  onConflict?: () => void;
}

const statusOf = (obj: ApiObject): FluxStatus => structuredClone((obj.status ?? {}) as FluxStatus);

function sameCondition(a: Condition | undefined, b: Condition | undefined): boolean {
  return a?.status === b?.status && a?.reason === b?.reason && a?.message === b?.message;
}

export class ReconcileRun<T extends ApiObject> implements ReconcileScope<T> {
  readonly reconcileId = randomUUID();
  readonly key: string;
  readonly logger: Logger;
  readonly eventMetadata: Record<string, string> = {};
  readonly conditions: ConditionSet;
  /** Status fields other than conditions; updated in place so steps may hold on to it. */
  readonly status: FluxStatus;
  readonly generation: number;
  private current: T;
  private readonly initialReady: Condition | undefined;
  private requeueAfterMs = 0;
  private failure: Error | undefined;
  private success: { reason: string; message: string };
  private notify = false;
  private readonly startedAt: number;

  constructor(
    private readonly deps: RunDependencies<T>,
    object: T,
  ) {
    this.current = object;
    // Pinned: if a newer generation shows up mid-run, it is not the one this run observed.
    this.generation = object.metadata?.generation ?? 0;
    const meta = object.metadata ?? {};
    this.key = meta.namespace ? `${meta.namespace}/${meta.name}` : String(meta.name);
    const kind = deps.definition.resource.kind;
    const name = deps.definition.resource.kind.toLowerCase();
    const ref = { name: meta.name, namespace: meta.namespace };
    const parentHasController = 'controller' in deps.logger.bindings();
    this.logger = deps.logger.child({
      ...(parentHasController ? {} : { controller: name }),
      controllerGroup: deps.definition.resource.group,
      controllerKind: kind,
      [kind]: ref,
      namespace: meta.namespace,
      name: meta.name,
      reconcileID: this.reconcileId,
    });
    const status = statusOf(object);
    this.initialReady = findCondition(status.conditions, READY);
    this.conditions = new ConditionSet(status.conditions, { generation: this.generation, now: deps.now });
    delete status.conditions;
    this.status = status;
    this.success = deps.definition.success ?? {
      reason: Reasons.Succeeded,
      message: 'reconciliation succeeded',
    };
    this.startedAt = deps.now();
  }

  get object(): T {
    return this.current;
  }

  get signal(): AbortSignal {
    return this.deps.signal;
  }

  get kube(): KubeClient {
    return this.deps.kube;
  }

  setSuccess(reason: string, message: string): void {
    this.success = { reason, message };
  }

  notifyOnSuccess(): void {
    this.notify = true;
  }

  async progress(message: string): Promise<void> {
    const next = markProgressing(this.workingStatus(), message, this.summaryContext());
    await this.write(next);
  }

  async event(event: RecordedEvent): Promise<void> {
    await this.deps.recorder.record(this.current, {
      ...event,
      metadata: { ...this.eventMetadata, ...event.metadata },
    });
  }

  /** Runs the reconcile; never throws (failures become a report with `error`). */
  async execute(): Promise<RunReport> {
    try {
      if (this.current.metadata?.deletionTimestamp) return await this.finalize();
      // The finalizer comes first, even for suspended objects, so a delete can never skip cleanup.
      if (!(await this.ensureFinalizer())) return this.report('gone', { type: 'none' });
      const suspended = (this.deps.definition.suspended ?? defaultSuspended)(this.current);
      if (suspended) return await this.skipSuspended();
      if (needsProgressMark(this.workingStatus(), this.generation))
        await this.progress(this.initialProgressMessage());
      const outcome = await this.runSteps();
      return await this.complete(outcome);
    } catch (error) {
      if (isNotFound(error)) return this.report('gone', { type: 'none' });
      return this.infrastructureFailure(error as Error);
    }
  }

  private async runSteps(): Promise<ReconcileOutcome> {
    try {
      for (const step of this.deps.definition.steps) {
        this.signal.throwIfAborted();
        this.logger.debug({ step: step.name }, 'running step');
        const result = await step.run(this);
        if (result && 'requeueAfterMs' in result) {
          this.requeueAfterMs = result.requeueAfterMs;
          const message =
            result.message ?? this.conditions.get('Reconciling')?.message ?? DEFAULT_PROGRESS_MESSAGE;
          return { kind: 'progressing', reason: Reasons.Progressing, message };
        }
        if (result && 'done' in result) break;
      }
      return { kind: 'succeeded', ...this.success };
    } catch (error) {
      return this.outcomeOf(error as Error);
    }
  }

  private outcomeOf(error: Error): ReconcileOutcome {
    this.failure = error;
    const reason = failureReason(error, this.deps.definition.failureReason ?? Reasons.Failed);
    if (error instanceof StallingError) return { kind: 'stalled', reason, message: error.message };
    if (error instanceof WaitingError) return { kind: 'waiting', reason, message: error.message };
    return { kind: 'failed', reason, message: error.message };
  }

  /** Summarises, patches status once, records the event, plans the requeue. */
  private async complete(outcome: ReconcileOutcome): Promise<RunReport> {
    const desired = summarizeStatus(this.workingStatus(), outcome, this.summaryContext());
    await this.write(desired);
    const requeue = this.requeueFor(outcome);
    await this.recordOutcomeEvent(outcome, requeue);
    this.logOutcome(outcome, requeue);
    return this.report(outcome.kind, requeue, outcome);
  }

  private requeueFor(outcome: ReconcileOutcome): Requeue {
    const { definition, settings } = this.deps;
    switch (outcome.kind) {
      case 'succeeded': {
        const interval = (definition.interval ?? defaultInterval)(this.current);
        if (interval === undefined || interval <= 0) return { type: 'none' };
        const delayMs = jitterInterval(interval, settings.intervalJitterPercentage, this.deps.random);
        return { type: 'after', delayMs, reason: 'interval' };
      }
      case 'progressing':
        return { type: 'after', delayMs: this.requeueAfterMs, reason: 'requeue' };
      case 'waiting': {
        const delayMs = (this.failure as WaitingError).requeueAfterMs ?? settings.requeueDependencyMs;
        return { type: 'after', delayMs, reason: 'dependency' };
      }
      case 'failed': {
        const retry = (definition.retryInterval ?? defaultRetryInterval)(this.current);
        return retry !== undefined && retry > 0
          ? { type: 'after', delayMs: retry, reason: 'retry-interval' }
          : { type: 'backoff' };
      }
      case 'stalled':
        return { type: 'none' };
    }
  }

  private async recordOutcomeEvent(outcome: ReconcileOutcome, requeue: Requeue): Promise<void> {
    const ready = this.conditions.get(READY);
    const changed = !sameCondition(this.initialReady, ready);
    const { definition } = this.deps;
    let event: RecordedEvent | undefined;
    if (outcome.kind === 'failed' || outcome.kind === 'stalled')
      event = { severity: 'error', reason: outcome.reason, message: outcome.message };
    else if (outcome.kind === 'waiting' && changed)
      event = { severity: 'info', reason: outcome.reason, message: outcome.message };
    else if (
      outcome.kind === 'succeeded' &&
      (changed || this.notify || definition.successEvents === 'always')
    ) {
      const nextRunMs = requeue.type === 'after' ? requeue.delayMs : undefined;
      const message =
        definition.successEventMessage?.({
          scope: this,
          durationMs: this.deps.now() - this.startedAt,
          nextRunMs,
        }) ?? outcome.message;
      event = { severity: 'info', reason: outcome.reason, message };
    }
    if (event) await this.event(event);
  }

  private logOutcome(outcome: ReconcileOutcome, requeue: Requeue): void {
    const took = formatDuration(Math.max(0, Math.round(this.deps.now() - this.startedAt)));
    const next = requeue.type === 'after' ? formatDuration(Math.round(requeue.delayMs)) : undefined;
    if (outcome.kind === 'succeeded')
      this.logger.info(
        { reason: outcome.reason },
        `Reconciliation finished in ${took}${next ? `, next run in ${next}` : ''}`,
      );
    else if (outcome.kind === 'progressing' || outcome.kind === 'waiting')
      this.logger.info(
        { reason: outcome.reason, message: outcome.message },
        `Reconciliation in progress, next try in ${next}`,
      );
    else if (outcome.kind === 'stalled')
      this.logger.error(
        { reason: outcome.reason, error: outcome.message },
        `Reconciliation stalled after ${took}`,
      );
    else
      this.logger.error(
        { reason: outcome.reason, error: outcome.message },
        `Reconciliation failed after ${took}`,
      );
  }

  private async finalize(): Promise<RunReport> {
    const finalizer = this.finalizerName();
    if (!finalizer || !(this.current.metadata?.finalizers ?? []).includes(finalizer))
      return this.report('terminating', { type: 'none' });
    const scope: FinalizeScope<T> = {
      object: this.current,
      key: this.key,
      logger: this.logger,
      signal: this.signal,
      kube: this.kube,
      suspended: (this.deps.definition.suspended ?? defaultSuspended)(this.current),
    };
    try {
      await this.deps.definition.finalize?.(scope);
    } catch (error) {
      const reason = failureReason(error, this.deps.definition.failureReason ?? Reasons.Failed);
      this.logger.error({ error: (error as Error).message, reason }, 'finalization failed');
      await this.event({ severity: 'error', reason, message: (error as Error).message });
      return this.report('failed', { type: 'backoff' }, undefined, error as Error);
    }
    await updateFinalizers(this.patchTarget(), this.current, (list) => list.filter((f) => f !== finalizer));
    this.logger.info('finalizer removed; object deleted');
    return this.report('deleted', { type: 'none' });
  }

  private async skipSuspended(): Promise<RunReport> {
    const requestedAt = requestedAtOf(this.current);
    if (requestedAt !== undefined && requestedAt !== this.status.lastHandledReconcileAt)
      await this.write({ ...this.workingStatus(), lastHandledReconcileAt: requestedAt });
    this.logger.info('Reconciliation is suspended for this object');
    return this.report('suspended', { type: 'none' });
  }

  /** Adds the finalizer before any real work; false when the object vanished meanwhile. */
  private async ensureFinalizer(): Promise<boolean> {
    const finalizer = this.finalizerName();
    if (!finalizer || (this.current.metadata?.finalizers ?? []).includes(finalizer)) return true;
    const stored = await updateFinalizers(this.patchTarget(), this.current, (list) =>
      list.includes(finalizer) ? list : [...list, finalizer],
    );
    if (!stored) return false;
    this.current = stored;
    return true;
  }

  private infrastructureFailure(error: Error): RunReport {
    this.logger.error({ error: error.message }, 'Reconciler error');
    return this.report('failed', { type: 'backoff' }, undefined, error);
  }

  private async write(desired: FluxStatus): Promise<void> {
    // The stored status holds this run's changes plus anything another writer added meanwhile;
    // later writes diff against it, so those additions are kept.
    this.current = await patchStatus(this.patchTarget(), this.current, desired);
    const { conditions, ...fields } = statusOf(this.current);
    for (const key of Object.keys(this.status)) delete this.status[key];
    Object.assign(this.status, fields);
    this.conditions.replace(conditions ?? []);
  }

  private workingStatus(): FluxStatus {
    return { ...this.status, conditions: this.conditions.toList() };
  }

  private summaryContext(): { generation: number; now: number; requestedAt?: string } {
    return { generation: this.generation, now: this.deps.now(), requestedAt: requestedAtOf(this.current) };
  }

  private initialProgressMessage(): string {
    return this.status.observedGeneration !== this.generation
      ? `reconciling new object generation (${this.generation})`
      : DEFAULT_PROGRESS_MESSAGE;
  }

  private finalizerName(): string | false {
    const configured = this.deps.definition.finalizer;
    return configured === undefined ? FLUX_FINALIZER : configured;
  }

  private patchTarget(): PatchTarget {
    const meta = this.current.metadata ?? {};
    return {
      client: this.deps.kube,
      resource: this.deps.definition.resource,
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      signal: this.signal,
      onConflict: this.deps.onConflict,
    };
  }

  private report(result: RunResult, requeue: Requeue, outcome?: ReconcileOutcome, error?: Error): RunReport {
    const gone = result === 'gone' || result === 'deleted';
    return {
      result,
      requeue,
      reconcileId: this.reconcileId,
      ...(gone ? {} : { object: this.current }),
      ...(outcome ? { outcome } : {}),
      ...((error ?? this.failure) ? { error: error ?? this.failure } : {}),
    };
  }
}
