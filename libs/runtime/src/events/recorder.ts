// Flux's event delivery (events-metrics-cli.md §1.3): every event becomes a core/v1 Kubernetes
// Event (Normal/Warning, source and reportingComponent = the controller, metadata as annotations)
// and, unless it is a trace event or concerns a cluster-scoped object, a Flux event on the bus for
// the notification service. Repeats of the same event bump `count` on the existing Kubernetes
// Event, as client-go's event correlator does. Failures are logged, never thrown: an event must
// not fail a reconcile.
import { hostname } from 'node:os';
import type { EventBus, FluxEvent } from '@flotilla/bus';
import type { Logger } from 'pino';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { ApiObject, ResourceType } from '../kube/resource.js';
import { formatKubeTime } from '../reconcile/conditions.js';

export type EventSeverity = 'trace' | 'info' | 'error';

export interface RecordedEvent {
  severity: EventSeverity;
  /** CamelCase reason, usually the Ready reason. */
  reason: string;
  message: string;
  /** Controller metadata, keyed `<group>/<key>` (e.g. `source.toolkit.fluxcd.io/revision`). */
  metadata?: Record<string, string>;
}

export interface EventRecorderOptions {
  /** e.g. 'source-controller'. */
  reportingController: string;
  /** Pod name (default: the host name). */
  reportingInstance?: string;
  /** Writes Kubernetes Events; none without it. */
  client?: KubeClient;
  /** Publishes Flux events; none without it. */
  bus?: EventBus;
  logger?: Logger;
  now?: () => number;
  /** Kubernetes Events remembered for aggregation (default 4096). */
  correlationCacheSize?: number;
}

export const EVENT_ANNOTATION_PREFIX = 'event.toolkit.fluxcd.io/';
export const MAX_EVENT_MESSAGE_LENGTH = 39_000;

const EVENTS: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };

interface CorrelatedEvent {
  name: string;
  namespace: string;
  count: number;
}

function truncate(message: string): string {
  return message.length <= MAX_EVENT_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_EVENT_MESSAGE_LENGTH - 3)}...`;
}

/** Event metadata: the controller's keys plus every `event.toolkit.fluxcd.io/*` annotation of the object. */
export function eventMetadata(obj: ApiObject, metadata: Record<string, string> = {}): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj.metadata?.annotations ?? {}))
    if (key.startsWith(EVENT_ANNOTATION_PREFIX)) result[key] = value;
  return { ...result, ...metadata };
}

export function involvedObjectOf(obj: ApiObject): FluxEvent['involvedObject'] {
  const meta = obj.metadata ?? {};
  const ref: FluxEvent['involvedObject'] = {};
  if (obj.kind) ref.kind = obj.kind;
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.name) ref.name = meta.name;
  if (meta.uid) ref.uid = meta.uid;
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

export class EventRecorder {
  private readonly correlated = new Map<string, CorrelatedEvent>();
  private readonly instance: string;
  private readonly now: () => number;

  constructor(private readonly options: EventRecorderOptions) {
    this.instance = options.reportingInstance ?? hostname();
    this.now = options.now ?? Date.now;
  }

  /** Writes the Kubernetes Event and publishes the Flux event; resolves when both were attempted. */
  async record(obj: ApiObject, event: RecordedEvent): Promise<void> {
    const metadata = eventMetadata(obj, event.metadata);
    const message = truncate(event.message);
    await Promise.all([
      this.writeKubernetesEvent(obj, { ...event, message, metadata }),
      this.publishFluxEvent(obj, { ...event, message, metadata }),
    ]);
  }

  /** The Flux event object for `event` (spec §1.1 field order). */
  fluxEvent(obj: ApiObject, event: RecordedEvent): FluxEvent {
    const metadata = eventMetadata(obj, event.metadata);
    return {
      involvedObject: involvedObjectOf(obj),
      severity: event.severity,
      timestamp: formatKubeTime(this.now()),
      message: truncate(event.message),
      reason: event.reason,
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      reportingController: this.options.reportingController,
      reportingInstance: this.instance,
    };
  }

  private async publishFluxEvent(obj: ApiObject, event: RecordedEvent): Promise<void> {
    const bus = this.options.bus;
    const ref = involvedObjectOf(obj);
    // Trace events stay in the cluster; cluster-scoped objects cannot be alerted on.
    if (!bus || event.severity === 'trace' || !ref.kind || !ref.name || !ref.namespace) return;
    try {
      await bus.publishEvent(this.fluxEvent(obj, event));
    } catch (error) {
      this.options.logger?.error(
        { error: (error as Error).message, reason: event.reason },
        'publishing event failed',
      );
    }
  }

  private async writeKubernetesEvent(obj: ApiObject, event: RecordedEvent): Promise<void> {
    const client = this.options.client;
    if (!client) return;
    const ref = involvedObjectOf(obj);
    const type = event.severity === 'error' ? 'Warning' : 'Normal';
    const namespace = ref.namespace ?? 'default';
    const key = JSON.stringify([
      ref.uid ?? '',
      ref.kind,
      namespace,
      ref.name,
      type,
      event.reason,
      event.message,
    ]);
    const timestamp = formatKubeTime(this.now());
    try {
      const previous = this.correlated.get(key);
      if (previous && (await this.bumpCount(client, previous, timestamp))) return;
      const name = `${ref.name ?? 'object'}.${(BigInt(this.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString(16)}`;
      await client.create(EVENTS, {
        metadata: {
          name,
          namespace,
          ...(event.metadata && Object.keys(event.metadata).length > 0
            ? { annotations: event.metadata }
            : {}),
        },
        involvedObject: ref,
        reason: event.reason,
        message: event.message,
        type,
        source: { component: this.options.reportingController },
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
        reportingComponent: this.options.reportingController,
        reportingInstance: this.instance,
      });
      this.remember(key, { name, namespace, count: 1 });
    } catch (error) {
      this.options.logger?.error(
        { error: (error as Error).message, reason: event.reason },
        'writing Kubernetes event failed',
      );
    }
  }

  /** Counts a repeat on the existing Event; false when it is gone (expired) and a new one is needed. */
  private async bumpCount(
    client: KubeClient,
    previous: CorrelatedEvent,
    timestamp: string,
  ): Promise<boolean> {
    try {
      await client.patch(
        EVENTS,
        { namespace: previous.namespace, name: previous.name },
        { count: previous.count + 1, lastTimestamp: timestamp },
        { type: 'merge' },
      );
      previous.count++;
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private remember(key: string, entry: CorrelatedEvent): void {
    this.correlated.delete(key);
    this.correlated.set(key, entry);
    const limit = this.options.correlationCacheSize ?? 4096;
    while (this.correlated.size > limit)
      this.correlated.delete(this.correlated.keys().next().value as string);
  }
}
