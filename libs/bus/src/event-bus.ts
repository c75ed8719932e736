// The EventBus interface shared by the NATS and in-process implementations, and the parts of it
// both implement identically.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BusConfig } from './config.js';
import type { DeliveryContext } from './delivery.js';
import { BusError } from './errors.js';
import {
  createArtifactAnnouncement,
  createReconcileEvent,
  createReconcileRequest,
  type ArtifactAnnouncement,
  type BusMessage,
  type EnvelopeOptions,
  type FluxEvent,
  type MessageByKind,
} from './messages.js';
import type { BusMetrics, ConnectionState } from './metrics.js';
import { filterSubject, type ObjectKey, type SubscriptionFilter } from './subjects.js';

export interface DeliveryInfo {
  /** The concrete subject the message was published on. */
  subject: string;
  /** 1 on first delivery, incremented on each redelivery. */
  attempt: number;
  redelivered: boolean;
  /** The durable subscription name, when there is one. */
  durable?: string;
}

export type MessageHandler<M> = (message: M, delivery: DeliveryInfo) => void | Promise<void>;

export interface SubscribeOptions {
  /**
   * Name of a persistent consumer (letters, digits, `_`, `-`). Messages published while no
   * subscriber is attached are kept for it, failures are redelivered, and all subscriptions
   * sharing the name (e.g. replicas of one service) share its messages. Without a name the
   * subscription is live: it sees messages published from now on, each subscriber gets all of
   * them, and a handler failure is logged, not retried.
   */
  durable?: string;
  /** Handlers running at once for this subscription (default 1, which keeps order). */
  concurrency?: number;
  /** Durable only: delivery attempts before the message is given up (default from bus config). */
  maxDeliver?: number;
  /** Durable only: first redelivery delay after a failure; doubles per attempt. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How long close() waits for running handlers before handing their messages back (default 10 s). */
  drainTimeoutMs?: number;
}

export interface Subscription {
  /** The subject filter, e.g. `flotilla.reconcile.Kustomization.*.*`. */
  readonly subject: string;
  readonly durable: string | undefined;
  /** Stops delivery; a durable consumer stays on the server and resumes with the next subscriber. */
  close(): Promise<void>;
}

export type PublishStatus = 'published' | 'duplicate' | 'buffered' | 'dropped';

export interface PublishOutcome {
  /**
   * published: stored; duplicate: an identical id was stored within the de-duplication window;
   * buffered: NATS is unreachable or slow, the message is held in memory and sent on reconnect;
   * dropped: evicted from a full buffer before it could be sent.
   */
  status: PublishStatus;
  id: string;
  subject: string;
}

export interface ReconcileRequestInput extends ObjectKey {
  /** Defaults to the current time (RFC 3339), as `flux reconcile` does. */
  requestedAt?: string;
}

export interface EventBus {
  readonly subjectPrefix: string;
  /**
   * Publishes a message without blocking the caller on NATS: resolves as soon as it is stored,
   * or `buffered` when NATS is unreachable. Rejects only for invalid messages or a closed bus.
   */
  publish(message: BusMessage): Promise<PublishOutcome>;
  /** Publishes a Flux event object (spec events-metrics-cli.md §1) as a ReconcileEvent. */
  publishEvent(event: FluxEvent, envelope?: EnvelopeOptions): Promise<PublishOutcome>;
  announceArtifact(announcement: ArtifactAnnouncement, envelope?: EnvelopeOptions): Promise<PublishOutcome>;
  requestReconcile(request: ReconcileRequestInput, envelope?: EnvelopeOptions): Promise<PublishOutcome>;
  /** Resolves once delivery is set up: messages published afterwards reach the handler. */
  subscribe<F extends SubscriptionFilter>(
    filter: F,
    handler: MessageHandler<MessageByKind[F['type']]>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  connectionState(): ConnectionState;
  /** Stops subscriptions (waiting for running handlers), flushes what it can, then disconnects. */
  close(): Promise<void>;
}

/** Options common to both implementations. */
export interface BusOptions {
  logger?: Logger;
  /** prom-client Registry for the bus metrics; metrics stay unregistered without one. */
  registry?: Registry;
  /** CloudEvents `source` of published messages (default `/flotilla/<hostname>`). */
  source?: string;
}

export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;
const DURABLE_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

export interface ResolvedSubscribeOptions {
  durable: string | undefined;
  concurrency: number;
  maxDeliver: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  drainTimeoutMs: number;
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new BusError(
      'INVALID_OPTIONS',
      `subscribe option ${name} must be an integer >= ${min} (got ${value})`,
    );
  }
  return value;
}

export function resolveSubscribeOptions(
  options: SubscribeOptions,
  defaults: { maxDeliver: number; retryDelayMs: number; maxRetryDelayMs: number },
): ResolvedSubscribeOptions {
  if (options.durable !== undefined && !DURABLE_PATTERN.test(options.durable)) {
    throw new BusError(
      'INVALID_DURABLE_NAME',
      `durable name '${options.durable}' may only contain letters, digits, '_' and '-' (at most 200)`,
    );
  }
  const retryDelayMs = options.retryDelayMs ?? defaults.retryDelayMs;
  return {
    durable: options.durable,
    concurrency: checkCount('concurrency', options.concurrency ?? 1, 1),
    maxDeliver: checkCount('maxDeliver', options.maxDeliver ?? defaults.maxDeliver, 1),
    retryDelayMs: checkCount('retryDelayMs', retryDelayMs, 0),
    maxRetryDelayMs: checkCount(
      'maxRetryDelayMs',
      options.maxRetryDelayMs ?? Math.max(defaults.maxRetryDelayMs, retryDelayMs),
      0,
    ),
    drainTimeoutMs: checkCount('drainTimeoutMs', options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS, 0),
  };
}

/** The convenience publishers, written once on top of publish(). */
export abstract class BusBase implements EventBus {
  abstract readonly subjectPrefix: string;
  protected abstract readonly source: string;
  protected closed = false;

  protected abstract readonly config: BusConfig;
  protected abstract readonly logger: Logger;
  protected abstract readonly metrics: BusMetrics;

  abstract publish(message: BusMessage): Promise<PublishOutcome>;
  abstract connectionState(): ConnectionState;
  abstract close(): Promise<void>;
  /** Starts delivering to `context.handler` what is published on `subject`. */
  protected abstract openSubscription(subject: string, context: DeliveryContext): Promise<Subscription>;

  async subscribe<F extends SubscriptionFilter>(
    filter: F,
    handler: MessageHandler<MessageByKind[F['type']]>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.assertOpen();
    const context: DeliveryContext = {
      handler: handler as MessageHandler<BusMessage>,
      options: resolveSubscribeOptions(options, this.config),
      kind: filter.type,
      logger: this.logger,
      metrics: this.metrics,
    };
    return this.openSubscription(filterSubject(this.subjectPrefix, filter), context);
  }

  publishEvent(event: FluxEvent, envelope: EnvelopeOptions = {}): Promise<PublishOutcome> {
    return this.publish(createReconcileEvent(event, { ...envelope, source: envelope.source ?? this.source }));
  }

  announceArtifact(
    announcement: ArtifactAnnouncement,
    envelope: EnvelopeOptions = {},
  ): Promise<PublishOutcome> {
    return this.publish(
      createArtifactAnnouncement(announcement, { ...envelope, source: envelope.source ?? this.source }),
    );
  }

  requestReconcile(request: ReconcileRequestInput, envelope: EnvelopeOptions = {}): Promise<PublishOutcome> {
    const { kind, namespace, name, requestedAt = new Date().toISOString() } = request;
    return this.publish(
      createReconcileRequest(
        { kind, namespace, name, requestedAt },
        { ...envelope, source: envelope.source ?? this.source },
      ),
    );
  }

  protected assertOpen(): void {
    if (this.closed) throw new BusError('BUS_CLOSED', 'the bus is closed');
  }
}
