// An informer for one resource (optionally one namespace and label/field selector, e.g. Flux's
// --watch-label-selector shard): list, then watch from the list's resourceVersion. A watch that
// ends cleanly resumes from the last seen resourceVersion; 410 Gone or an ERROR event relists;
// other failures (500s, 429s, dropped connections) back off exponentially and resume. Unlike
// client-node's informer it never stops on errors. A periodic resync re-delivers the cache.
import type { Logger } from 'pino';
import type { KubeClient, WatchEvent } from './client.js';
import { isExpired } from './errors.js';
import { collectionPath, objectKey, type ApiObject, type ResourceType } from './resource.js';
import { ObjectStore } from './store.js';

export interface InformerHandler<T extends ApiObject> {
  add?(obj: T): void;
  update?(previous: T, current: T): void;
  /** Called with the last known state. */
  delete?(obj: T): void;
  /** Periodic re-delivery of every cached object (client-go's resync). */
  resync?(obj: T): void;
}

export interface InformerSelector {
  /** Only this namespace; all namespaces when omitted. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface InformerOptions extends InformerSelector {
  client: KubeClient;
  resource: ResourceType;
  logger?: Logger;
  /** 0 disables resync (default 0). */
  resyncPeriodMs?: number;
  /** Backoff after failures: initial (default 800 ms, as client-go) doubling up to max (default 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Server-side watch timeout per request (default: random 5–10 minutes, as client-go). */
  watchTimeoutSeconds?: () => number;
}

export interface InformerStats {
  /** Completed lists (the first one and every relist). */
  lists: number;
  /** Watch requests started. */
  watches: number;
  /** Relists caused by 410 Gone or ERROR events. */
  relists: number;
  /** Failed list or watch attempts (each followed by a backoff). */
  failures: number;
  /** The resourceVersion the next watch resumes from. */
  resourceVersion: string;
}

type WatchOutcome = 'ended' | 'relist';

/** Raised inside a watch stream to end it and relist. */
class RelistSignal extends Error {}

export class Informer<T extends ApiObject = ApiObject> {
  readonly store = new ObjectStore<T>();
  readonly stats: InformerStats = { lists: 0, watches: 0, relists: 0, failures: 0, resourceVersion: '' };
  private readonly handlers = new Set<InformerHandler<T>>();
  private running: Promise<void> | undefined;
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort: AbortController | undefined;
  private sleepWake: (() => void) | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private backoffMs: number;

  constructor(private readonly options: InformerOptions) {
    this.backoffMs = options.initialBackoffMs ?? 800;
  }

  get resource(): ResourceType {
    return this.options.resource;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Adds a handler; if the cache is already filled, it first gets an `add` per cached object. */
  addHandler(handler: InformerHandler<T>): () => void {
    this.handlers.add(handler);
    if (this.synced) for (const obj of this.store.list()) this.call(handler, 'add', obj);
    return () => this.handlers.delete(handler);
  }

  /** Starts list+watch (once; later calls share it) and resolves when the first list is cached. */
  async start(): Promise<void> {
    if (!this.running && !this.stopped) {
      this.running = this.run();
      const period = this.options.resyncPeriodMs ?? 0;
      if (period > 0) {
        this.resyncTimer = setInterval(() => this.resync(), period);
        this.resyncTimer.unref();
      }
    }
    await this.waitForSync();
  }

  waitForSync(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.abort?.abort();
    this.sleepWake?.();
    for (const resolve of this.syncWaiters.splice(0)) resolve();
    await this.running;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.listAndReplace();
          needList = false;
        }
        const startedAt = Date.now();
        const before = this.stats.resourceVersion;
        const outcome = await this.watchOnce();
        if (this.stopped) break;
        if (outcome === 'relist') {
          needList = true;
          this.stats.relists++;
        } else if (Date.now() - startedAt < 1_000 && before === this.stats.resourceVersion) {
          // A watch that ends at once without news would otherwise spin.
          await this.sleep(this.nextBackoff());
        } else this.resetBackoff();
      } catch (error) {
        if (this.stopped) break;
        if (isExpired(error)) {
          needList = true;
          this.stats.relists++;
          continue;
        }
        this.stats.failures++;
        const delay = this.nextBackoff();
        this.options.logger?.error(
          { error: (error as Error).message, resource: this.describe(), retryInMs: delay },
          needList ? 'list failed; retrying' : 'watch failed; resuming',
        );
        await this.sleep(delay);
      }
    }
  }

  private async listAndReplace(): Promise<void> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.options;
    const list = await client.list<T>(resource, { namespace, labelSelector, fieldSelector });
    if (this.stopped) return;
    const diff = this.store.replace(list.items);
    this.stats.lists++;
    this.stats.resourceVersion = list.resourceVersion;
    this.resetBackoff();
    for (const obj of diff.deleted) this.emit('delete', obj);
    for (const obj of diff.added) this.emit('add', obj);
    for (const { previous, current } of diff.updated) this.emit('update', current, previous);
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private async watchOnce(): Promise<WatchOutcome> {
    const { client, resource, namespace, labelSelector, fieldSelector } = this.options;
    const abort = new AbortController();
    this.abort = abort;
    this.stats.watches++;
    let outcome: WatchOutcome = 'ended';
    const timeoutSeconds = this.options.watchTimeoutSeconds?.() ?? Math.floor(300 + Math.random() * 300);
    await client.watch<T>({
      path: collectionPath(resource, namespace),
      query: {
        resourceVersion: this.stats.resourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds,
        labelSelector,
        fieldSelector,
      },
      signal: abort.signal,
      idleTimeoutMs: (timeoutSeconds + 60) * 1000,
      onEvent: (event) => {
        if (abort.signal.aborted) return;
        try {
          this.apply(event);
        } catch (error) {
          if (!(error instanceof RelistSignal)) throw error;
          outcome = 'relist';
          abort.abort();
        }
      },
    });
    return this.stopped ? 'ended' : outcome;
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; reason?: string; message?: string };
      this.options.logger?.info(
        { resource: this.describe(), code: status.code, reason: status.reason },
        'watch ERROR event; relisting',
      );
      throw new RelistSignal(status.message ?? 'watch error');
    }
    const rv = event.object.metadata?.resourceVersion;
    if (rv) this.stats.resourceVersion = rv;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') {
      const previous = this.store.remove(objectKey(event.object));
      this.emit('delete', previous ?? event.object);
      return;
    }
    const previous = this.store.upsert(event.object);
    if (previous) this.emit('update', event.object, previous);
    else this.emit('add', event.object);
  }

  private resync(): void {
    if (!this.synced || this.stopped) return;
    for (const obj of this.store.list()) this.emit('resync', obj);
  }

  private emit(type: keyof InformerHandler<T>, obj: T, previous?: T): void {
    for (const handler of this.handlers) this.call(handler, type, obj, previous);
  }

  private call(handler: InformerHandler<T>, type: keyof InformerHandler<T>, obj: T, previous?: T): void {
    try {
      if (type === 'update') handler.update?.(previous ?? obj, obj);
      else handler[type]?.(obj);
    } catch (error) {
      this.options.logger?.error({ error: (error as Error).message, event: type }, 'informer handler failed');
    }
  }

  private nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.options.maxBackoffMs ?? 30_000, this.backoffMs * 2);
    // ±20% so many informers failing together do not retry in lockstep.
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  private resetBackoff(): void {
    this.backoffMs = this.options.initialBackoffMs ?? 800;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.sleepWake = done;
    });
  }

  private describe(): string {
    const { resource, namespace, labelSelector } = this.options;
    return `${collectionPath(resource, namespace)}${labelSelector ? `?labelSelector=${labelSelector}` : ''}`;
  }
}
