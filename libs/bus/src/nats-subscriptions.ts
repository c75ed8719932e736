// Subscriptions of the NATS bus. Durable ones are JetStream durable pull consumers (explicit ack,
// nak with delay, term after maxDeliver); live ones are ordered consumers that start at the end
// of the stream and resume from the last seen sequence after an outage. Both are (re)started on
// every activation of the bus (connect, reconnect) instead of trusting a consumer that may have
// been lost with the server's state.
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { backoffDelay } from './connection.js';
import { runDelivery, Slots, type DeliveryContext, type Verdict } from './delivery.js';
import { errorMessage } from './errors.js';
import type { DeliveryInfo } from './event-bus.js';
import { decodeMessage, type BusMessage } from './messages.js';
import { ensureDurableConsumer, isServerRefusal } from './provisioning.js';

/** Everything a subscription needs from one activation of the bus. */
export interface ActiveContext {
  generation: number;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
}

export interface SubscriptionHost {
  /** The current activation, if connected and provisioned. */
  current(): ActiveContext | undefined;
  ackWaitMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

interface InFlight {
  msg: JsMsg;
  handedBack: boolean;
}

/** Ack/nak/term can fail when the connection just dropped; the server then redelivers anyway. */
function settleQuietly(logger: Logger, action: () => void): void {
  try {
    action();
  } catch (error) {
    logger.debug({ err: errorMessage(error) }, 'could not settle a message; it will be redelivered');
  }
}

export abstract class NatsSubscription {
  protected readonly slots: Slots;
  protected readonly logger: Logger;
  protected messages: ConsumerMessages | undefined;
  protected stopping = false;
  private generation = -1;
  private activation: Promise<void> = Promise.resolve();
  private activated = false;
  private retries = 0;
  private readonly firstActivation: Promise<void>;
  private settleFirst: (error?: Error) => void = () => undefined;
  private readonly inFlight = new Set<InFlight>();

  constructor(
    readonly subject: string,
    protected readonly context: DeliveryContext,
    protected readonly host: SubscriptionHost,
  ) {
    this.slots = new Slots(context.options.concurrency);
    this.logger = context.logger.child({ subscription: subject, durable: context.options.durable });
    this.firstActivation = new Promise((resolve, reject) => {
      this.settleFirst = (error) => (error ? reject(error) : resolve());
    });
  }

  get durable(): string | undefined {
    return this.context.options.durable;
  }

  /** Resolves after the first successful activation; rejects if the server refuses it. */
  ready(): Promise<void> {
    return this.firstActivation;
  }

  /** Starts consuming on this activation (once per activation). */
  activate(context: ActiveContext): Promise<void> {
    if (this.stopping || this.generation === context.generation) return this.activation;
    this.generation = context.generation;
    this.activation = this.startOn(context).then(
      () => {
        this.retries = 0;
        this.activated = true;
        this.settleFirst();
      },
      (error: unknown) => this.activationFailed(context, error),
    );
    return this.activation;
  }

  async close(): Promise<void> {
    this.stopping = true;
    await this.stopMessages();
    if (!(await this.slots.idle(this.context.options.drainTimeoutMs))) {
      for (const entry of this.inFlight) {
        entry.handedBack = true;
        settleQuietly(this.logger, () => entry.msg.nak());
      }
    }
    this.settleFirst(new Error('subscription closed before it became active'));
  }

  protected abstract startOn(context: ActiveContext): Promise<void>;

  protected abstract settle(msg: JsMsg, verdict: Verdict): void;

  /** Whether a delivered message should be handled (live subscriptions skip replays). */
  protected accepts(_msg: JsMsg): boolean {
    return true;
  }

  /** A message arrived on an iterator we are abandoning. */
  protected abstract passOn(msg: JsMsg): void;

  protected async stopMessages(): Promise<void> {
    const messages = this.messages;
    this.messages = undefined;
    await messages?.close();
  }

  protected async consume(messages: ConsumerMessages, context: ActiveContext): Promise<void> {
    this.messages = messages;
    try {
      for await (const msg of messages) {
        if (this.abandoned(messages)) {
          this.passOn(msg);
          continue;
        }
        if (!this.accepts(msg)) continue;
        // The server's ack timer runs from delivery, also while the message waits for a slot.
        const heartbeat = this.keepAlive(msg);
        await this.slots.acquire();
        if (this.abandoned(messages)) {
          clearInterval(heartbeat);
          this.slots.release();
          this.passOn(msg);
          continue;
        }
        void this.handle(msg, heartbeat).finally(() => this.slots.release());
      }
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'consumer stopped with an error');
    }
    if (!this.stopping && messages === this.messages) {
      this.logger.warn('consumer stopped unexpectedly; restarting it');
      this.retryLater(context);
    }
  }

  private abandoned(messages: ConsumerMessages): boolean {
    return this.stopping || messages !== this.messages;
  }

  /** Long handlers (a whole reconcile) must not be redelivered elsewhere while still running. */
  private keepAlive(msg: JsMsg): NodeJS.Timeout | undefined {
    if (!this.durable) return undefined;
    return setInterval(() => settleQuietly(this.logger, () => msg.working()), this.host.ackWaitMs / 2);
  }

  private async handle(msg: JsMsg, heartbeat: NodeJS.Timeout | undefined): Promise<void> {
    let message: BusMessage;
    try {
      message = decodeMessage(msg.data);
    } catch (error) {
      this.context.metrics.delivered(this.context.kind, 'invalid');
      this.logger.warn(
        { subject: msg.subject, seq: msg.seq, err: errorMessage(error) },
        'discarding a message that is not a flotilla CloudEvent',
      );
      clearInterval(heartbeat);
      this.settle(msg, { action: 'give-up' });
      return;
    }
    const entry: InFlight = { msg, handedBack: false };
    this.inFlight.add(entry);
    const delivery: DeliveryInfo = {
      subject: msg.subject,
      attempt: msg.info.deliveryCount,
      redelivered: msg.redelivered,
      durable: this.durable,
    };
    try {
      const verdict = await runDelivery(this.context, message, delivery);
      if (!entry.handedBack) this.settle(msg, verdict);
    } finally {
      clearInterval(heartbeat);
      this.inFlight.delete(entry);
    }
  }

  private activationFailed(context: ActiveContext, error: unknown): void {
    if (isServerRefusal(error)) {
      this.logger.error({ err: errorMessage(error) }, 'the server refused this subscription');
      if (!this.activated) this.settleFirst(error as Error);
      return;
    }
    this.logger.warn({ err: errorMessage(error) }, 'could not start the subscription; retrying');
    this.retryLater(context);
  }

  /** Tries again on the same activation; a newer activation restarts it anyway. */
  private retryLater(context: ActiveContext): void {
    const delayMs = backoffDelay(this.retries++, this.host.retryBaseMs, this.host.retryMaxMs);
    setTimeout(() => {
      if (this.stopping || this.host.current()?.generation !== context.generation) return;
      this.generation = -1;
      void this.activate(context);
    }, delayMs).unref();
  }
}

/** A durable pull consumer shared by every subscriber using the same name. */
export class DurableNatsSubscription extends NatsSubscription {
  protected async startOn(context: ActiveContext): Promise<void> {
    const { options } = this.context;
    await ensureDurableConsumer(
      context.jsm,
      {
        stream: context.stream,
        durable: options.durable as string,
        filterSubject: this.subject,
        maxDeliver: options.maxDeliver,
        ackWaitMs: this.host.ackWaitMs,
        maxAckPending: 1000,
      },
      this.logger,
    );
    await this.stopMessages();
    const consumer = await context.js.consumers.get(context.stream, options.durable as string);
    // Pull no more than we can run: prefetched messages would sit out their ack wait elsewhere.
    const messages = await consumer.consume({ max_messages: options.concurrency });
    void this.consume(messages, context);
  }

  protected passOn(msg: JsMsg): void {
    settleQuietly(this.logger, () => msg.nak());
  }

  protected settle(msg: JsMsg, verdict: Verdict): void {
    settleQuietly(this.logger, () => {
      if (verdict.action === 'ack') msg.ack();
      else if (verdict.action === 'retry') msg.nak(verdict.delayMs);
      else msg.term(verdict.action === 'give-up' ? 'flotilla: delivery attempts exhausted' : undefined);
    });
  }
}

/** A live subscription: an ordered consumer from the end of the stream, resumed by sequence. */
export class LiveNatsSubscription extends NatsSubscription {
  private nextSeq: number | undefined;
  private deleteConsumer: (() => Promise<unknown>) | undefined;

  override async close(): Promise<void> {
    await super.close();
    await this.deleteConsumer?.().catch(() => undefined);
  }

  protected async startOn(context: ActiveContext): Promise<void> {
    const lastSeq = (await context.jsm.streams.info(context.stream)).state.last_seq;
    // First start, or the stream was recreated with fresh sequences: begin at its end.
    if (this.nextSeq === undefined || this.nextSeq > lastSeq + 1) this.nextSeq = lastSeq + 1;
    await this.stopMessages();
    await this.deleteConsumer?.().catch(() => undefined);
    const consumer = await context.js.consumers.get(context.stream, {
      filter_subjects: this.subject,
      opt_start_seq: this.nextSeq,
    });
    this.deleteConsumer = () => consumer.delete();
    const messages = await consumer.consume({ max_messages: Math.max(this.context.options.concurrency, 16) });
    void this.consume(messages, context);
  }

  protected override accepts(msg: JsMsg): boolean {
    if (msg.seq < (this.nextSeq ?? 0)) return false;
    this.nextSeq = msg.seq + 1;
    return true;
  }

  protected passOn(): void {
    // Ordered consumers do not take acknowledgements; the next consumer resumes by sequence.
  }

  protected settle(): void {
    // Ordered consumers do not take acknowledgements.
  }
}
