// Watches (kube-api.md §5): initial ADDEDs or replay from a resourceVersion, live fan-out with
// label/field selector transitions, bookmarks, timeouts, and 410 for compacted history. Each event
// line is serialised once per distinct view and shared by every watcher that sees it that way.
import type { KubeApiCore } from './core.js';
import { expired, type StatusBody } from './errors.js';
import { metaOf, type KubeObject } from './json.js';
import { filterMatches, type ObjectFilter } from './reads.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';
import type { ChangeEvent, StoreSubscriber } from './store.js';

/** Where a watch writes its lines (an HTTP response in practice). */
export interface WatchSink {
  write(line: string): void;
  end(): void;
  /** Bytes queued but not yet sent; a watcher that falls too far behind is closed. */
  readonly pending: number;
}

export interface WatchSpec {
  type: ResourceType;
  /** undefined = all namespaces. */
  namespace: string | undefined;
  filter: ObjectFilter;
  /** Replay changes after this RV; undefined = send the current state as ADDED first. */
  sinceRv: number | undefined;
  bookmarks: boolean;
  /** sendInitialEvents=true: end the initial ADDEDs with an annotated BOOKMARK. */
  initialEventsEnd: boolean;
  timeoutSeconds: number | undefined;
  /** Request path, for fault injection that drops watches by path. */
  path: string;
}

const MAX_PENDING_BYTES = 32 * 1024 * 1024;

export class Watcher implements StoreSubscriber {
  readonly namespace: string | undefined;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly apiVersion: string;

  constructor(
    private readonly core: KubeApiCore,
    readonly spec: WatchSpec,
    private readonly sink: WatchSink,
    private readonly onStop: (watcher: Watcher) => void,
  ) {
    this.namespace = spec.namespace;
    this.apiVersion = groupVersionOf(spec.type);
  }

  /** Sends the initial state or the replay, then follows live changes; all synchronously. */
  start(options: { bookmarkIntervalMs: number }): void {
    const store = this.core.storeOf(this.spec.type);
    if (this.spec.sinceRv === undefined) {
      for (const obj of store.list(this.spec.namespace)) {
        if (filterMatches(this.spec.filter, obj)) this.send('ADDED', this.core.view(this.spec.type, obj));
      }
      if (this.spec.initialEventsEnd) this.bookmark(true);
    } else {
      const events = store.eventsAfter(this.spec.sinceRv);
      if (!events) {
        this.fail(expired(`too old resource version: ${this.spec.sinceRv} (${store.compactedRv})`).status);
        return;
      }
      for (const event of events) if (this.inScope(event)) this.deliver(event);
    }
    if (this.stopped) return;
    this.unsubscribe = store.subscribe(this);
    if (this.spec.bookmarks)
      this.timers.push(setInterval(() => this.bookmark(false), options.bookmarkIntervalMs));
    if (this.spec.timeoutSeconds !== undefined && this.spec.timeoutSeconds > 0) {
      this.timers.push(setTimeout(() => this.stop(), this.spec.timeoutSeconds * 1000));
    }
  }

  private inScope(event: ChangeEvent): boolean {
    return this.spec.namespace === undefined || event.namespace === this.spec.namespace;
  }

  /** Turns a store change into what this watcher sees: selector entries are ADDED, exits DELETED. */
  deliver(event: ChangeEvent): void {
    if (this.stopped) return;
    const filter = this.spec.filter;
    const now = event.type !== 'DELETED' && filterMatches(filter, event.object);
    const before = event.previous !== undefined && filterMatches(filter, event.previous);
    if (event.type === 'DELETED') {
      if (before) this.sendShared(event, 'DELETED', () => this.view(event.object));
    } else if (now && before) this.sendShared(event, 'MODIFIED', () => this.view(event.object));
    else if (now) this.sendShared(event, 'ADDED', () => this.view(event.object));
    else if (before && event.previous) {
      const previous = event.previous;
      this.sendShared(event, 'LEFT', () => {
        const view = this.view(previous);
        return { ...view, metadata: { ...metaOf(view), resourceVersion: String(event.rv) } };
      });
    }
    if (this.sink.pending > MAX_PENDING_BYTES) this.stop();
  }

  private view(obj: KubeObject): KubeObject {
    return this.core.view(this.spec.type, obj);
  }

  private sendShared(
    event: ChangeEvent,
    kind: 'ADDED' | 'MODIFIED' | 'DELETED' | 'LEFT',
    build: () => KubeObject,
  ): void {
    event.lines ??= new Map();
    const key = `${kind}|${this.apiVersion}`;
    let line = event.lines.get(key);
    if (line === undefined) {
      const type = kind === 'LEFT' ? 'DELETED' : kind;
      line = `${JSON.stringify({ type, object: build() })}\n`;
      event.lines.set(key, line);
    }
    this.sink.write(line);
  }

  private send(type: string, object: unknown): void {
    this.sink.write(`${JSON.stringify({ type, object })}\n`);
  }

  private bookmark(initialEventsEnd: boolean): void {
    if (this.stopped) return;
    const metadata: Record<string, unknown> = { resourceVersion: String(this.core.db.currentRv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.send('BOOKMARK', { kind: this.spec.type.kind, apiVersion: this.apiVersion, metadata });
  }

  /** Sends an ERROR event and ends the stream. */
  fail(status: StatusBody): void {
    if (this.stopped) return;
    this.send('ERROR', status);
    this.stop();
  }

  /** Ends the stream cleanly (no final event); idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.sink.end();
    this.onStop(this);
  }
}

/** The open watches, so CRD changes, fault injection and shutdown can end them. */
export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  constructor(
    private readonly core: KubeApiCore,
    private readonly bookmarkIntervalMs: () => number,
  ) {}

  open(spec: WatchSpec, sink: WatchSink): Watcher {
    const watcher = new Watcher(this.core, spec, sink, (w) => this.watchers.delete(w));
    this.watchers.add(watcher);
    watcher.start({ bookmarkIntervalMs: this.bookmarkIntervalMs() });
    return watcher;
  }

  /** Ends every watch matching the predicate; returns how many. */
  close(predicate: (spec: WatchSpec) => boolean = () => true): number {
    let n = 0;
    for (const watcher of [...this.watchers]) {
      if (predicate(watcher.spec)) {
        watcher.stop();
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.watchers.size;
  }
}
