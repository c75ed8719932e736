// Prometheus metrics with Flux's names and labels (events-metrics-cli.md §2): gotk_* per object,
// controller_runtime_* per controller, workqueue_* per queue, rest_client_* per API host.
// Registered once per registry, so several controllers in one process share the collectors.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { WorkQueueObserver } from '../queue/work-queue.js';

/** Go's prometheus.ExponentialBucketsRange(min, max, count). */
export function exponentialBucketsRange(min: number, max: number, count: number): number[] {
  const growth = (max / min) ** (1 / (count - 1));
  return Array.from({ length: count }, (_, i) => min * growth ** i);
}

/** Go's prometheus.ExponentialBuckets(start, factor, count). */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_TIME_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25,
  1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
const WORKQUEUE_BUCKETS = exponentialBuckets(10e-9, 10, 12);
const RATE_LIMITER_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';

type ObjectLabels = 'kind' | 'name' | 'namespace';
type QueueLabels = 'name' | 'controller';

/** In-flight durations of one queue, read at scrape time. */
type InFlightSource = () => number[];

export class RuntimeMetrics {
  readonly reconcileDuration: Histogram<ObjectLabels>;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly queueDepth: Gauge<QueueLabels>;
  readonly queueAdds: Counter<QueueLabels>;
  readonly queueDuration: Histogram<QueueLabels>;
  readonly workDuration: Histogram<QueueLabels>;
  readonly queueRetries: Counter<QueueLabels>;
  readonly restClientRequests: Counter<'code' | 'host' | 'method'>;
  readonly restClientRateLimiterDuration: Histogram<'verb' | 'host'>;
  private readonly inFlightSources = new Map<string, InFlightSource>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.reconcileDuration = new Histogram({
      name: 'gotk_reconcile_duration_seconds',
      help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
      labelNames: ['kind', 'name', 'namespace'],
      buckets: exponentialBucketsRange(0.01, 1800, 10),
      registers,
    });
    registerDeprecatedGauges(registers);
    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_TIME_BUCKETS,
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.queueAdds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name', 'controller'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames: ['name', 'controller'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    this.queueRetries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name', 'controller'],
      registers,
    });
    this.registerInFlightGauges(registers);
    this.restClientRequests = new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests, partitioned by status code, method, and host.',
      labelNames: ['code', 'host', 'method'],
      registers,
    });
    this.restClientRateLimiterDuration = new Histogram({
      name: 'rest_client_rate_limiter_duration_seconds',
      help: 'Client side rate limiter latency in seconds. Broken down by verb, and host.',
      labelNames: ['verb', 'host'],
      buckets: RATE_LIMITER_BUCKETS,
      registers,
    });
  }

  /** Gauges computed at scrape time from the queues' in-flight work. */
  private registerInFlightGauges(registers: Registry[]): void {
    const sources = this.inFlightSources;
    new Gauge({
      name: 'workqueue_unfinished_work_seconds',
      help:
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. " +
        'Large values indicate stuck threads.',
      labelNames: ['name', 'controller'],
      registers,
      collect() {
        this.reset();
        for (const [name, source] of sources)
          this.set(
            { name, controller: name },
            source().reduce((sum, s) => sum + s, 0),
          );
      },
    });
    new Gauge({
      name: 'workqueue_longest_running_processor_seconds',
      help: 'How many seconds has the longest running processor for workqueue been running.',
      labelNames: ['name', 'controller'],
      registers,
      collect() {
        this.reset();
        for (const [name, source] of sources) this.set({ name, controller: name }, Math.max(0, ...source()));
      },
    });
  }

  /** The observer a work queue named `name` (the controller, i.e. lower-case kind) reports to. */
  queueObserver(name: string): WorkQueueObserver {
    const labels = { name, controller: name };
    return {
      added: () => this.queueAdds.inc(labels),
      depth: (value) => this.queueDepth.set(labels, value),
      queued: (ms) => this.queueDuration.observe(labels, ms / 1000),
      worked: (ms) => this.workDuration.observe(labels, ms / 1000),
      retried: () => this.queueRetries.inc(labels),
    };
  }

  /** Reports a queue's in-flight work at scrape time; returns the function that stops it. */
  trackInFlight(name: string, source: InFlightSource): () => void {
    this.inFlightSources.set(name, source);
    return () => {
      if (this.inFlightSources.get(name) === source) this.inFlightSources.delete(name);
    };
  }
}

/** Deprecated upstream in Flux 2.1: still registered, never populated. */
function registerDeprecatedGauges(registers: Registry[]): void {
  new Gauge({
    name: 'gotk_reconcile_condition',
    help: 'The current condition status of a GitOps Toolkit resource reconciliation (deprecated).',
    labelNames: ['kind', 'name', 'namespace', 'type', 'status'],
    registers,
  });
  new Gauge({
    name: 'gotk_suspend_status',
    help: 'The current suspend status of a GitOps Toolkit resource (deprecated).',
    labelNames: ['kind', 'name', 'namespace'],
    registers,
  });
}

const byRegistry = new WeakMap<Registry, RuntimeMetrics>();

/** The runtime's collectors in `registry`, registered on first use. */
export function runtimeMetrics(registry: Registry): RuntimeMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = new RuntimeMetrics(registry);
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
