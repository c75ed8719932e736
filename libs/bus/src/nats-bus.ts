// The NATS JetStream implementation of EventBus. Every (re)connect "activates" the bus: the stream
// is provisioned, subscriptions (re)start, then the publish buffer is flushed — so an outage
// costs latency, never messages (up to the buffer size) and never blocks a caller.
import { JetStreamApiError, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers, NoRespondersError, type NatsConnection } from '@nats-io/transport-node';
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { resolveBusConfig, type BusConfig, type BusConfigInput } from './config.js';
import { ConnectionManager, backoffDelay } from './connection.js';
import type { DeliveryContext } from './delivery.js';
import { BusError, errorMessage } from './errors.js';
import {
  BusBase,
  type BusOptions,
  type EventBus,
  type PublishOutcome,
  type Subscription,
} from './event-bus.js';
import {
  addressOf,
  CLOUDEVENTS_JSON,
  encodeMessage,
  messageKindOf,
  validateMessage,
  type BusMessage,
} from './messages.js';
import { createBusMetrics, type BusMetrics, type ConnectionState } from './metrics.js';
import {
  DurableNatsSubscription,
  LiveNatsSubscription,
  type ActiveContext,
  type NatsSubscription,
} from './nats-subscriptions.js';
import { MessageRejectedError, Outbox, type OutboxMessage, type SendResult } from './outbox.js';
import { ensureStream, isServerRefusal } from './provisioning.js';
import { subjectFor } from './subjects.js';

export interface NatsBusOptions extends BusOptions {
  /**
   * true (default): createNatsBus resolves once connected and provisioned, and rejects on bad
   * credentials, a refused stream configuration or connectTimeoutMs. false: it resolves at once
   * and connects in the background (publishes are buffered, subscribe() waits) — for services
   * that must start reconciling while NATS is down.
   */
  waitForConnection?: boolean;
  /** With waitForConnection: give up (and close) after this long; default 30 s. */
  connectTimeoutMs?: number;
}

const PUBLISH_WINDOW = 64;

/** nats.js reports "no responders" on a JetStream publish as JetStreamNotEnabled. */
function isNoResponders(error: unknown): boolean {
  return (
    error instanceof NoRespondersError || (error instanceof Error && error.name === 'JetStreamNotEnabled')
  );
}

class NatsBus extends BusBase {
  readonly subjectPrefix: string;
  protected readonly source: string;
  protected readonly logger: Logger;
  protected readonly metrics: BusMetrics;
  private readonly connection: ConnectionManager;
  private readonly outbox: Outbox;
  private readonly subscriptions = new Set<NatsSubscription>();
  private active: ActiveContext | undefined;
  private generation = 0;
  private readyWaiters: ((error?: Error) => void)[] = [];

  constructor(
    protected readonly config: BusConfig,
    options: NatsBusOptions,
  ) {
    super();
    this.subjectPrefix = config.subjectPrefix;
    this.source = options.source ?? `/flotilla/${hostname()}`;
    this.logger = (options.logger ?? pino({ name: 'flotilla-bus' })).child({ component: 'bus', bus: 'nats' });
    this.metrics = createBusMetrics(options.registry);
    this.outbox = new Outbox({
      capacity: config.publishBufferSize,
      answerWithinMs: config.publishTimeoutMs,
      window: Math.min(PUBLISH_WINDOW, config.publishBufferSize),
      retryBaseMs: config.reconnectWaitMs,
      retryMaxMs: config.maxReconnectWaitMs,
      send: (message) => this.send(message),
      canSend: () => this.active !== undefined,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.connection = new ConnectionManager(config, this.logger, this.metrics, {
      connected: (nc) => void this.activate(nc),
      reconnected: (nc) => void this.activate(nc),
      disconnected: () => this.deactivate(),
    });
  }

  start(): void {
    this.connection.start();
  }

  /** Resolves on the first activation; rejects on refused credentials or provisioning, or timeout. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BusError(
              'CONNECTION_FAILED',
              `not connected to NATS (${this.config.servers.join(', ')}) within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    const authFailure = this.connection.firstAttempt().catch((error: unknown) => {
      throw new BusError('AUTHENTICATION_FAILED', `NATS refused the credentials: ${errorMessage(error)}`, {
        cause: error,
      });
    });
    try {
      await Promise.race([this.activeContext(), timeout, authFailure.then(() => this.activeContext())]);
    } finally {
      clearTimeout(timer);
    }
  }

  async publish(message: BusMessage): Promise<PublishOutcome> {
    this.assertOpen();
    const valid = validateMessage(message);
    const subject = subjectFor(this.subjectPrefix, addressOf(valid));
    const status = await this.outbox.enqueue({
      id: valid.id,
      subject,
      kind: messageKindOf(valid),
      body: encodeMessage(valid),
    });
    return { status, id: valid.id, subject };
  }

  protected async openSubscription(subject: string, context: DeliveryContext): Promise<Subscription> {
    const host = {
      current: () => this.active,
      ackWaitMs: this.config.ackWaitMs,
      retryBaseMs: this.config.reconnectWaitMs,
      retryMaxMs: this.config.maxReconnectWaitMs,
    };
    const subscription =
      context.options.durable === undefined
        ? new LiveNatsSubscription(subject, context, host)
        : new DurableNatsSubscription(subject, context, host);
    this.subscriptions.add(subscription);
    if (this.active) void subscription.activate(this.active);
    try {
      await subscription.ready();
    } catch (error) {
      this.subscriptions.delete(subscription);
      await subscription.close();
      throw error;
    }
    return {
      subject,
      durable: context.options.durable,
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  connectionState(): ConnectionState {
    return this.connection.connectionState();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    if (this.active && !(await this.outbox.flush(this.config.publishTimeoutMs))) {
      this.logger.warn({ buffered: this.outbox.size }, 'closing with unsent messages');
    }
    this.outbox.close();
    this.generation++;
    this.active = undefined;
    this.settleReady(new BusError('BUS_CLOSED', 'the bus was closed before it connected'));
    await this.connection.close();
  }

  private activeContext(): Promise<void> {
    if (this.active) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.readyWaiters.push((error) => (error ? reject(error) : resolve())),
    );
  }

  private settleReady(error?: Error): void {
    for (const settle of this.readyWaiters.splice(0)) settle(error);
  }

  private deactivate(): void {
    this.generation++;
    this.active = undefined;
  }

  /** Provisions the stream, restarts subscriptions, then flushes the buffer; retries until it works. */
  private async activate(nc: NatsConnection): Promise<void> {
    const generation = ++this.generation;
    this.active = undefined;
    for (let attempt = 0; !this.closed && generation === this.generation && !nc.isClosed(); attempt++) {
      try {
        const jsm = await jetstreamManager(nc);
        await ensureStream(jsm, this.config, this.logger);
        if (generation !== this.generation) return;
        const context: ActiveContext = { generation, js: jetstream(nc), jsm, stream: this.config.streamName };
        this.active = context;
        this.settleReady();
        await Promise.all([...this.subscriptions].map((subscription) => subscription.activate(context)));
        this.outbox.resume();
        return;
      } catch (error) {
        const refused = isServerRefusal(error);
        const delayMs = backoffDelay(attempt, this.config.reconnectWaitMs, this.config.maxReconnectWaitMs);
        const fields = { stream: this.config.streamName, err: errorMessage(error), retryInMs: delayMs };
        if (refused) {
          this.logger.error(fields, 'JetStream refused the stream configuration; retrying');
          this.settleReady(
            new BusError('PROVISIONING_FAILED', `stream ${this.config.streamName}: ${errorMessage(error)}`, {
              cause: error,
            }),
          );
        } else {
          this.logger.warn(fields, 'JetStream is not ready; retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async send(message: OutboxMessage): Promise<SendResult> {
    const context = this.active;
    if (!context) throw new Error('not connected to NATS');
    const messageHeaders = headers();
    messageHeaders.set('Content-Type', CLOUDEVENTS_JSON);
    try {
      const ack = await context.js.publish(message.subject, message.body, {
        msgID: message.id,
        headers: messageHeaders,
        timeout: this.config.publishTimeoutMs,
      });
      return ack.duplicate ? 'duplicate' : 'published';
    } catch (error) {
      if (error instanceof JetStreamApiError || /max(imum)? payload/i.test(errorMessage(error))) {
        throw new MessageRejectedError(errorMessage(error), { cause: error });
      }
      // Nobody answers for the stream's subjects: the stream is gone; provision it again.
      if (isNoResponders(error) && this.active === context) {
        const nc = this.connection.connection();
        if (nc) void this.activate(nc);
      }
      throw error;
    }
  }
}

/**
 * Connects to NATS (see BusConfig; {@link loadBusConfigFromEnv} reads it from FLOTILLA_NATS_*),
 * provisions the JetStream stream and returns the bus.
 */
export async function createNatsBus(config: BusConfigInput, options: NatsBusOptions = {}): Promise<EventBus> {
  const bus = new NatsBus(resolveBusConfig(config), options);
  bus.start();
  if (options.waitForConnection === false) return bus;
  try {
    await bus.waitUntilReady(options.connectTimeoutMs ?? 30_000);
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}
