// The controller work queue (client-go's workqueue semantics): keys, not objects, so repeated
// adds of a waiting key collapse into one (dedupe); a key being processed is never handed to a
// second worker, and an add during processing runs it once more afterwards (per-key
// serialisation); delayed adds keep the earliest due time; failures back off per key.
import { ExponentialBackoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';

/** Hooks the queue reports to (workqueue_* metrics). */
export interface WorkQueueObserver {
  added(): void;
  depth(value: number): void;
  /** Time a key waited between becoming ready and a worker taking it. */
  queued(ms: number): void;
  /** Time a worker spent on a key. */
  worked(ms: number): void;
  retried(): void;
}

export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: BackoffOptions;
  observer?: WorkQueueObserver;
}

export interface ScheduledAdd {
  /** When the key becomes ready (clock time, ms). */
  dueAt: number;
  /** The delay asked for when it was scheduled. */
  delayMs: number;
  /** Why, e.g. 'interval', 'backoff', 'dependency'. */
  reason: string;
}

export type WorkHandler = (key: string, signal: AbortSignal) => Promise<void>;

interface InFlight {
  startedAt: number;
  abort: AbortController;
}

interface Scheduled extends ScheduledAdd {
  timer: TimerHandle;
}

export class WorkQueue {
  readonly clock: Clock;
  private readonly backoff: ExponentialBackoff;
  private readonly ready: string[] = [];
  /** Keys that need processing: waiting in `ready`, or re-added while being processed. */
  private readonly dirty = new Map<string, number>();
  private readonly inFlight = new Map<string, InFlight>();
  private readonly scheduled = new Map<string, Scheduled>();
  private wakeups: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private stopping = false;
  private workers: Promise<void>[] = [];

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock();
    this.backoff = new ExponentialBackoff(options.backoff ?? { minDelayMs: 750, maxDelayMs: 900_000 });
  }

  /** Makes `key` ready now; no-op if it is already waiting or the queue is shutting down. */
  add(key: string): void {
    if (this.stopping || this.dirty.has(key)) return;
    this.dirty.set(key, this.clock.now());
    this.options.observer?.added();
    if (this.inFlight.has(key)) return;
    this.ready.push(key);
    this.reportDepth();
    this.wakeups.shift()?.();
  }

  /** Makes `key` ready after `delayMs`, unless it is already due sooner. */
  addAfter(key: string, delayMs: number, reason = 'requeue'): void {
    if (this.stopping) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueAt = this.clock.now() + delayMs;
    const existing = this.scheduled.get(key);
    if (existing && existing.dueAt <= dueAt) return;
    if (existing) this.clock.clearTimer(existing.timer);
    const timer = this.clock.setTimer(() => {
      this.scheduled.delete(key);
      this.add(key);
    }, delayMs);
    this.scheduled.set(key, { dueAt, delayMs, reason, timer });
  }

  /** Schedules a retry after the key's next backoff delay; returns that delay. */
  addRateLimited(key: string): number {
    const delay = this.backoff.next(key);
    this.options.observer?.retried();
    this.addAfter(key, delay, 'backoff');
    return delay;
  }

  /** Clears the key's failure count (after a success, or when its object is gone). */
  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Cancels a pending delayed add. */
  cancelScheduled(key: string): void {
    const existing = this.scheduled.get(key);
    if (!existing) return;
    this.clock.clearTimer(existing.timer);
    this.scheduled.delete(key);
  }

  retries(key: string): number {
    return this.backoff.retries(key);
  }

  /** The pending delayed add of `key`, as computed when it was scheduled. */
  scheduledAdd(key: string): ScheduledAdd | undefined {
    const entry = this.scheduled.get(key);
    return entry && { dueAt: entry.dueAt, delayMs: entry.delayMs, reason: entry.reason };
  }

  /** True when the key is neither waiting, being processed nor scheduled. */
  isIdle(key: string): boolean {
    return !this.dirty.has(key) && !this.inFlight.has(key) && !this.scheduled.has(key);
  }

  isProcessing(key: string): boolean {
    return this.inFlight.has(key);
  }

  get depth(): number {
    return this.ready.length;
  }

  get processingCount(): number {
    return this.inFlight.size;
  }

  get isShuttingDown(): boolean {
    return this.stopping;
  }

  /** Seconds each in-flight key has been processed for (unfinished-work metrics). */
  inFlightSeconds(): number[] {
    const now = this.clock.now();
    return [...this.inFlight.values()].map((entry) => (now - entry.startedAt) / 1000);
  }

  /** Resolves once nothing is ready or in flight (scheduled keys do not count). */
  settled(): Promise<void> {
    if (this.ready.length === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts `concurrency` workers running `handler`; handler errors are the handler's business. */
  process(handler: WorkHandler, concurrency: number): void {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    for (let i = 0; i < concurrency; i++) this.workers.push(this.work(handler));
  }

  /**
   * Stops taking work: scheduled and waiting keys are dropped, running handlers may finish.
   * Resolves true when they all did within `timeoutMs`; otherwise aborts their signals and
   * resolves false.
   */
  async shutdown(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    for (const entry of this.scheduled.values()) this.clock.clearTimer(entry.timer);
    this.scheduled.clear();
    for (const key of this.ready) this.dirty.delete(key);
    this.ready.length = 0;
    for (const key of this.inFlight.keys()) this.dirty.delete(key);
    this.reportDepth();
    for (const wake of this.wakeups.splice(0)) wake();
    let timer: TimerHandle | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = this.clock.setTimer(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([Promise.all(this.workers).then(() => true as const), deadline]);
    if (timer) this.clock.clearTimer(timer);
    if (!drained)
      for (const entry of this.inFlight.values()) entry.abort.abort(new Error('shutdown deadline'));
    return drained;
  }

  private async work(handler: WorkHandler): Promise<void> {
    for (;;) {
      const key = await this.take();
      if (key === undefined) return;
      const entry = this.inFlight.get(key);
      if (!entry) continue;
      try {
        await handler(key, entry.abort.signal);
      } catch {
        // The handler owns error handling; a throw must never kill the worker.
      } finally {
        this.done(key);
      }
    }
  }

  private async take(): Promise<string | undefined> {
    while (this.ready.length === 0) {
      if (this.stopping) return undefined;
      await new Promise<void>((resolve) => this.wakeups.push(resolve));
    }
    const key = this.ready.shift() as string;
    const readySince = this.dirty.get(key) ?? this.clock.now();
    this.dirty.delete(key);
    this.cancelScheduled(key);
    const now = this.clock.now();
    this.inFlight.set(key, { startedAt: now, abort: new AbortController() });
    this.reportDepth();
    this.options.observer?.queued(now - readySince);
    return key;
  }

  private done(key: string): void {
    const entry = this.inFlight.get(key);
    this.inFlight.delete(key);
    if (entry) this.options.observer?.worked(this.clock.now() - entry.startedAt);
    if (this.dirty.has(key) && !this.stopping) {
      this.ready.push(key);
      this.reportDepth();
      this.wakeups.shift()?.();
    }
    if (this.ready.length === 0 && this.inFlight.size === 0)
      for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private reportDepth(): void {
    this.options.observer?.depth(this.ready.length);
  }
}
