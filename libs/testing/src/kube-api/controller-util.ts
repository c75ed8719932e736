// Helpers for the in-process controllers (CRD establishment, namespace cleanup, garbage collection,
// kubelet simulator): asynchronous work queues and the write options of internal writers.
import type { KubeApiCore } from './core.js';
import type { ChangeEvent } from './store.js';
import type { WriteOptions } from './writes.js';

export function internalWrite(manager: string): WriteOptions {
  return { dryRun: false, manager, fieldValidation: 'Ignore', warnings: [] };
}

/**
 * Runs keyed work items soon after they are queued (like a controller's workqueue): a key queued
 * again before it ran runs once. Errors go to `onError` and never escape into the writer's request.
 */
export class WorkQueue {
  private readonly pending = new Map<string, () => void>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 0,
  ) {}

  add(key: string, work: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, work);
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => this.drain();
    if (this.delayMs > 0) setTimeout(run, this.delayMs).unref();
    else setImmediate(run);
  }

  private drain(): void {
    this.scheduled = false;
    const items = [...this.pending.values()];
    this.pending.clear();
    for (const work of items) {
      if (this.stopped) return;
      try {
        work();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }
}

/** An in-process controller: it observes every committed change and does its work on its own queue. */
export abstract class CommitObserver {
  protected readonly queue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    protected readonly core: KubeApiCore,
    onError: (error: unknown) => void,
  ) {
    this.queue = new WorkQueue(onError);
    this.unsubscribe = core.db.onCommit((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
  }

  protected abstract observe(event: ChangeEvent): void;
}
