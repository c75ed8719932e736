// A controller for one kind: an informer (shared cache, optional shard selector) feeding a work
// queue with Flux's triggers (new objects, generation changes, the requestedAt annotation,
// deletions, NATS reconcile requests), workers running ReconcileRun, and requeues after interval
// (with jitter), dependency waits, retryInterval or per-key backoff. stop() drains in-flight
// reconciles within a deadline.
import type { EventBus, Subscription } from '@flotilla/bus';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EventRecorder } from '../events/recorder.js';
import type { KubeClient } from '../kube/client.js';
import type { Informer, InformerHandler } from '../kube/informer.js';
import { objectKey, type ApiObject } from '../kube/resource.js';
import { SharedInformers } from '../kube/shared-informers.js';
import {
  runtimeMetrics,
  type ReconcileResultLabel,
  type RuntimeMetrics,
} from '../metrics/runtime-metrics.js';
import type { RandomSource } from '../queue/backoff.js';
import { systemClock, type Clock } from '../queue/clock.js';
import { WorkQueue } from '../queue/work-queue.js';
import { conditionIs, STALLED, type Condition } from './conditions.js';
import { defaultInterval, defaultSuspended, requestedAtOf, type ReconcilerDefinition } from './definition.js';
import { ReconcileRun, type Requeue, type RunReport } from './run.js';

/** Flux's controller flags, resolved (events-metrics-cli.md §4.1). */
export interface ControllerSettings {
  /** --concurrent: parallel reconciles (default 4). */
  concurrent: number;
  /** --min-retry-delay / --max-retry-delay (750ms / 15m). */
  minRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** --interval-jitter-percentage (5). */
  intervalJitterPercentage: number;
  /** --requeue-dependency (30s). */
  requeueDependencyMs: number;
  /** --watch-label-selector ('' = all objects). */
  watchLabelSelector: string;
  /** Only this namespace (--watch-all-namespaces=false); all when undefined. */
  watchNamespace?: string;
  /** How long stop() waits for in-flight reconciles. */
  gracefulShutdownTimeoutMs: number;
}

export const DEFAULT_CONTROLLER_SETTINGS: ControllerSettings = {
  concurrent: 4,
  minRetryDelayMs: 750,
  maxRetryDelayMs: 15 * 60_000,
  intervalJitterPercentage: 5,
  requeueDependencyMs: 30_000,
  watchLabelSelector: '',
  gracefulShutdownTimeoutMs: 600_000,
};

export interface ReconcileRecord extends RunReport {
  key: string;
  /** The requeue as applied; for backoff, the computed delay. */
  scheduled: { delayMs: number; reason: string } | undefined;
  durationMs: number;
}

export interface ControllerOptions<T extends ApiObject> {
  definition: ReconcilerDefinition<T>;
  kube: KubeClient;
  logger: Logger;
  /** Metrics registry (none registered without it). */
  registry?: Registry;
  /** Flux events out, reconcile requests in. */
  bus?: EventBus;
  /** Share caches with other controllers of the process. */
  informers?: SharedInformers;
  settings?: Partial<ControllerSettings>;
  clock?: Clock;
  random?: RandomSource;
  reportingInstance?: string;
  /** Bus reconcile requests: live subscription by default, durable with a name, or off. */
  reconcileRequests?: false | { durable?: string };
  /** Called after each reconcile, once its requeue is scheduled. */
  onReconciled?: (record: ReconcileRecord) => void;
}

function generationOf(obj: ApiObject): number | undefined {
  return obj.metadata?.generation;
}

export class Controller<T extends ApiObject = ApiObject> {
  /** controller-runtime's controller name: the lower-case kind. */
  readonly name: string;
  readonly queue: WorkQueue;
  readonly informer: Informer<T>;
  readonly settings: ControllerSettings;
  /**
   * Resolves once bus reconcile requests are delivered (immediately without a bus). Not awaited
   * by start(): a NATS outage must not hold up reconciling.
   */
  reconcileRequestsReady: Promise<void> = Promise.resolve();
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly recorder: EventRecorder;
  private readonly random: RandomSource;
  private readonly clock: Clock;
  private removeHandler: (() => void) | undefined;
  private untrackInFlight: (() => void) | undefined;
  private subscription: Subscription | undefined;
  private started = false;
  private stopping: Promise<boolean> | undefined;
  private readonly ownInformers: SharedInformers | undefined;

  constructor(private readonly options: ControllerOptions<T>) {
    const { definition } = options;
    this.name = definition.resource.kind.toLowerCase();
    this.settings = { ...DEFAULT_CONTROLLER_SETTINGS, ...options.settings };
    this.metrics = options.registry ? runtimeMetrics(options.registry) : undefined;
    this.clock = options.clock ?? systemClock();
    this.random = options.random ?? Math.random;
    this.queue = new WorkQueue({
      clock: this.clock,
      backoff: {
        minDelayMs: this.settings.minRetryDelayMs,
        maxDelayMs: this.settings.maxRetryDelayMs,
        random: this.random,
      },
      observer: this.metrics?.queueObserver(this.name),
    });
    // Informers handed in are shared and stopped by their owner; a private set is stopped here.
    if (!options.informers)
      this.ownInformers = new SharedInformers({ client: options.kube, logger: options.logger });
    const informers = options.informers ?? (this.ownInformers as SharedInformers);
    this.informer = informers.informerFor<T>(definition.resource, {
      namespace: this.settings.watchNamespace,
      labelSelector: this.settings.watchLabelSelector || undefined,
    });
    this.recorder = new EventRecorder({
      reportingController: definition.reportingController,
      reportingInstance: options.reportingInstance,
      client: options.kube,
      bus: options.bus,
      logger: options.logger,
    });
  }

  /** True once the cache is filled and workers run, until stop() begins. */
  get ready(): boolean {
    return this.started && this.informer.hasSynced && !this.stopping;
  }

  /** Fills the cache, subscribes to reconcile requests, then starts the workers. */
  async start(): Promise<void> {
    if (this.started) return;
    this.removeHandler = this.informer.addHandler(this.triggers());
    await this.informer.start();
    this.reconcileRequestsReady = this.subscribeToRequests();
    this.metrics?.maxConcurrentReconciles.set({ controller: this.name }, this.settings.concurrent);
    this.metrics?.activeWorkers.set({ controller: this.name }, 0);
    this.untrackInFlight = this.metrics?.trackInFlight(this.name, () => this.queue.inFlightSeconds());
    this.queue.process((key, signal) => this.work(key, signal), this.settings.concurrent);
    this.started = true;
  }

  private async subscribeToRequests(): Promise<void> {
    const bus = this.options.bus;
    if (!bus || this.options.reconcileRequests === false) return;
    const durable = this.options.reconcileRequests?.durable;
    try {
      const subscription = await bus.subscribe(
        { type: 'reconcile', kind: this.options.definition.resource.kind },
        (message) => this.onReconcileRequest(message.data),
        durable ? { durable } : {},
      );
      if (this.stopping) await subscription.close();
      else this.subscription = subscription;
    } catch (error) {
      this.options.logger.error(
        { error: (error as Error).message },
        'subscribing to reconcile requests failed',
      );
    }
  }

  /** Reconciles `key` (namespace/name) now, ahead of any scheduled requeue. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /**
   * Stops taking work and waits up to `timeoutMs` (default: the graceful shutdown timeout) for
   * running reconciles; true when they all finished in time.
   */
  stop(timeoutMs = this.settings.gracefulShutdownTimeoutMs): Promise<boolean> {
    this.stopping ??= this.shutdown(timeoutMs);
    return this.stopping;
  }

  private async shutdown(timeoutMs: number): Promise<boolean> {
    this.removeHandler?.();
    await this.subscription?.close().catch((error: unknown) => {
      this.options.logger.error({ error: (error as Error).message }, 'closing reconcile subscription failed');
    });
    const drained = await this.queue.shutdown(timeoutMs);
    await this.ownInformers?.stopAll();
    this.untrackInFlight?.();
    if (!drained)
      this.options.logger.error(
        { controller: this.name, timeoutMs },
        'reconciles still running at the shutdown deadline',
      );
    return drained;
  }

  private onReconcileRequest(request: { namespace: string; name: string; requestedAt: string }): void {
    const key = objectKey({ namespace: request.namespace, name: request.name });
    // Another shard (or nobody) owns objects this instance does not cache.
    if (!this.informer.store.get(key)) return;
    this.options.logger.debug({ key, requestedAt: request.requestedAt }, 'reconcile requested over the bus');
    this.queue.add(key);
  }

  /** Flux's predicates: spec (generation) changes, requestedAt changes and deletion start a reconcile. */
  private triggers(): InformerHandler<T> {
    return {
      add: (obj) => this.queue.add(objectKey(obj)),
      update: (previous, current) => {
        if (
          generationOf(previous) !== generationOf(current) ||
          requestedAtOf(previous) !== requestedAtOf(current) ||
          (!previous.metadata?.deletionTimestamp && current.metadata?.deletionTimestamp)
        )
          this.queue.add(objectKey(current));
      },
      delete: (obj) => this.queue.add(objectKey(obj)),
      resync: (obj) => this.onResync(obj),
    };
  }

  /** Safety net: an object that should be scheduled but is not (a lost requeue) is reconciled. */
  private onResync(obj: T): void {
    const key = objectKey(obj);
    if (!this.queue.isIdle(key)) return;
    if ((this.options.definition.suspended ?? defaultSuspended)(obj)) return;
    const status = (obj.status ?? {}) as { conditions?: Condition[]; observedGeneration?: number };
    if (conditionIs(status.conditions, STALLED, 'True') && status.observedGeneration === generationOf(obj))
      return;
    if ((this.options.definition.interval ?? defaultInterval)(obj) === undefined) return;
    this.queue.add(key);
  }

  private async work(key: string, signal: AbortSignal): Promise<void> {
    const labels = { controller: this.name };
    this.metrics?.activeWorkers.inc(labels);
    const started = performance.now();
    try {
      const report = await this.reconcile(key, signal);
      const durationMs = performance.now() - started;
      const scheduled = this.applyRequeue(key, report.requeue);
      this.observe(key, report, durationMs);
      this.options.onReconciled?.({ ...report, key, scheduled, durationMs });
    } finally {
      this.metrics?.activeWorkers.dec(labels);
    }
  }

  private async reconcile(key: string, signal: AbortSignal): Promise<RunReport> {
    const obj = this.informer.store.get(key);
    if (!obj) return { result: 'gone', requeue: { type: 'none' }, reconcileId: '' };
    const run = new ReconcileRun<T>(
      {
        definition: this.options.definition,
        kube: this.options.kube,
        recorder: this.recorder,
        logger: this.options.logger,
        settings: this.settings,
        random: this.random,
        now: () => this.clock.now(),
        signal,
      },
      obj,
    );
    return run.execute();
  }

  private applyRequeue(key: string, requeue: Requeue): ReconcileRecord['scheduled'] {
    switch (requeue.type) {
      case 'none':
        this.queue.forget(key);
        return undefined;
      case 'after':
        if (requeue.reason !== 'retry-interval') this.queue.forget(key);
        this.queue.addAfter(key, requeue.delayMs, requeue.reason);
        return { delayMs: requeue.delayMs, reason: requeue.reason };
      case 'backoff':
        return { delayMs: this.queue.addRateLimited(key), reason: 'backoff' };
    }
  }

  private observe(key: string, report: RunReport, durationMs: number): void {
    const metrics = this.metrics;
    if (!metrics) return;
    const controller = this.name;
    metrics.reconcileTotal.inc({ controller, result: resultLabel(report) });
    metrics.reconcileTime.observe({ controller }, durationMs / 1000);
    if (report.result === 'failed' || report.result === 'stalled')
      metrics.reconcileErrors.inc({ controller });
    if (report.result === 'stalled') metrics.terminalReconcileErrors.inc({ controller });
    const [namespace = '', name = key] = key.includes('/') ? key.split('/', 2) : ['', key];
    const labels = { kind: this.options.definition.resource.kind, name, namespace };
    if (report.result === 'gone' || report.result === 'deleted') metrics.reconcileDuration.remove(labels);
    else metrics.reconcileDuration.observe(labels, durationMs / 1000);
  }
}

function resultLabel(report: RunReport): ReconcileResultLabel {
  if (report.result === 'failed' || report.result === 'stalled') return 'error';
  return report.requeue.type === 'after' ? 'requeue_after' : 'success';
}
