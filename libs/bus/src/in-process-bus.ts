// The in-process twin of the NATS bus for single-process mode: same subjects, same JSON on the
// wire (messages are serialised and parsed per delivery), same durable/live semantics, the same
// de-duplication by CloudEvent id and the same bounded retention for durable backlogs.
import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import { resolveBusConfig, type BusConfig, type BusConfigInput } from './config.js';
import { runDelivery, Slots, type DeliveryContext } from './delivery.js';
import { BusError } from './errors.js';
import {
  BusBase,
  type BusOptions,
  type EventBus,
  type PublishOutcome,
  type Subscription,
} from './event-bus.js';
import { addressOf, messageKindOf, validateMessage, type BusMessage } from './messages.js';
import { createBusMetrics, type BusMetrics, type ConnectionState } from './metrics.js';
import { subjectFor, subjectMatches, type MessageKind } from './subjects.js';

export interface InProcessBusOptions extends BusOptions {
  /**
   * The BusConfig fields that mean something in one process: subjectPrefix, maxDeliver,
   * retryDelayMs, maxRetryDelayMs, duplicateWindowMs, and streamMaxAgeMs/streamMaxBytes as the
   * retention of messages waiting for durable subscriptions. Connection fields are ignored.
   */
  config?: BusConfigInput;
}

interface StoredMessage {
  seq: number;
  subject: string;
  kind: MessageKind;
  body: string;
  bytes: number;
  storedAt: number;
}

/** Messages kept for durable consumers, bounded like a JetStream limits stream (oldest go first). */
class RetainedMessages {
  private readonly messages = new Map<number, StoredMessage>();
  private bytes = 0;

  constructor(private readonly limits: Pick<BusConfig, 'streamMaxAgeMs' | 'streamMaxBytes'>) {}

  add(message: StoredMessage): void {
    this.messages.set(message.seq, message);
    this.bytes += message.bytes;
    this.prune();
  }

  get(seq: number): StoredMessage | undefined {
    this.prune();
    return this.messages.get(seq);
  }

  private prune(): void {
    const oldestAllowed = Date.now() - this.limits.streamMaxAgeMs;
    for (const [seq, message] of this.messages) {
      if (this.bytes <= this.limits.streamMaxBytes && message.storedAt >= oldestAllowed) break;
      this.messages.delete(seq);
      this.bytes -= message.bytes;
    }
  }
}

interface Member {
  slots: Slots;
  context: DeliveryContext;
}

interface PendingEntry {
  seq: number;
  attempts: number;
  notBefore: number;
  /** The member running it, while a handler runs. */
  member: Member | undefined;
  /** Bumped when a delivery is handed back, so its late verdict is ignored. */
  token: number;
}

/** One durable consumer: its backlog survives its subscribers, who share it round-robin. */
class DurableConsumer {
  private pending: PendingEntry[] = [];
  private readonly members: Member[] = [];
  private next = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private scheduled = false;

  constructor(
    readonly name: string,
    readonly filter: string,
    private readonly retained: RetainedMessages,
  ) {}

  enqueue(seq: number): void {
    this.pending.push({ seq, attempts: 0, notBefore: 0, member: undefined, token: 0 });
    this.schedule();
  }

  attach(member: Member): void {
    this.members.push(member);
    this.schedule();
  }

  /** Detaches; deliveries still running after the drain timeout are handed back for redelivery. */
  async detach(member: Member, drainTimeoutMs: number): Promise<void> {
    this.members.splice(this.members.indexOf(member), 1);
    if (!(await member.slots.idle(drainTimeoutMs))) {
      for (const entry of this.pending) {
        if (entry.member !== member) continue;
        entry.member = undefined;
        entry.token++;
      }
      this.schedule();
    }
  }

  stop(): void {
    clearTimeout(this.wakeTimer);
    this.members.length = 0;
  }

  /** Deliveries never start inside publish(): handlers run on a later turn of the event loop. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const now = Date.now();
    let wakeAt = Infinity;
    this.pending = this.pending.filter((entry) => entry.member !== undefined || this.retained.get(entry.seq));
    for (const entry of this.pending) {
      if (entry.member) continue;
      if (entry.notBefore > now) {
        wakeAt = Math.min(wakeAt, entry.notBefore);
        continue;
      }
      const member = this.freeMember();
      if (!member) break;
      this.start(entry, member);
    }
    clearTimeout(this.wakeTimer);
    if (wakeAt !== Infinity && this.members.length > 0) {
      this.wakeTimer = setTimeout(() => this.schedule(), wakeAt - now);
    }
  }

  private remove(entry: PendingEntry): void {
    const index = this.pending.indexOf(entry);
    if (index >= 0) this.pending.splice(index, 1);
  }

  private freeMember(): Member | undefined {
    for (let i = 0; i < this.members.length; i++) {
      const member = this.members[(this.next + i) % this.members.length] as Member;
      if (member.slots.tryAcquire()) {
        this.next = (this.next + i + 1) % this.members.length;
        return member;
      }
    }
    return undefined;
  }

  private start(entry: PendingEntry, member: Member): void {
    const stored = this.retained.get(entry.seq) as StoredMessage;
    entry.attempts++;
    entry.member = member;
    const token = entry.token;
    const delivery = {
      subject: stored.subject,
      attempt: entry.attempts,
      redelivered: entry.attempts > 1,
      durable: this.name,
    };
    void runDelivery(member.context, JSON.parse(stored.body) as BusMessage, delivery).then((verdict) => {
      member.slots.release();
      if (entry.token === token) {
        entry.member = undefined;
        if (verdict.action === 'retry') entry.notBefore = Date.now() + verdict.delayMs;
        else this.remove(entry);
      }
      this.schedule();
    });
  }
}

/** A live subscription: its own queue of everything matching, from subscribe() on. */
class LiveSubscriber {
  private queue: StoredMessage[] = [];
  private scheduled = false;
  private stopped = false;
  readonly slots: Slots;

  constructor(
    readonly subject: string,
    private readonly context: DeliveryContext,
  ) {
    this.slots = new Slots(context.options.concurrency);
  }

  enqueue(message: StoredMessage): void {
    if (this.stopped) return;
    this.queue.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  async stop(drainTimeoutMs: number): Promise<void> {
    this.stopped = true;
    this.queue = [];
    await this.slots.idle(drainTimeoutMs);
  }

  private pump(): void {
    while (!this.stopped && this.queue.length > 0 && this.slots.tryAcquire()) {
      const stored = this.queue.shift() as StoredMessage;
      const delivery = { subject: stored.subject, attempt: 1, redelivered: false };
      void runDelivery(this.context, JSON.parse(stored.body) as BusMessage, delivery).then(() => {
        this.slots.release();
        this.pump();
      });
    }
  }
}

class InProcessBus extends BusBase {
  readonly subjectPrefix: string;
  protected readonly source: string;
  protected readonly config: BusConfig;
  protected readonly logger: Logger;
  protected readonly metrics: BusMetrics;
  private readonly retained: RetainedMessages;
  private readonly live = new Set<LiveSubscriber>();
  private readonly durables = new Map<string, DurableConsumer>();
  private readonly openSubscriptions = new Set<Subscription>();
  private readonly recentIds = new Map<string, number>();
  private seq = 0;

  constructor(options: InProcessBusOptions) {
    super();
    this.config = resolveBusConfig(options.config);
    this.subjectPrefix = this.config.subjectPrefix;
    this.source = options.source ?? `/flotilla/${hostname()}`;
    this.logger = (options.logger ?? pino({ name: 'flotilla-bus' })).child({
      component: 'bus',
      bus: 'in-process',
    });
    this.metrics = createBusMetrics(options.registry);
    this.metrics.connectionStateChanged(undefined, 'connected');
    this.retained = new RetainedMessages(this.config);
  }

  async publish(message: BusMessage): Promise<PublishOutcome> {
    this.assertOpen();
    const valid = validateMessage(message);
    const kind = messageKindOf(valid);
    const subject = subjectFor(this.subjectPrefix, addressOf(valid));
    if (this.isDuplicate(valid.id)) {
      this.metrics.published(kind, 'duplicate');
      return { status: 'duplicate', id: valid.id, subject };
    }
    const body = JSON.stringify(valid);
    const stored: StoredMessage = {
      seq: ++this.seq,
      subject,
      kind,
      body,
      bytes: Buffer.byteLength(body) + subject.length,
      storedAt: Date.now(),
    };
    const durables = [...this.durables.values()].filter((durable) => subjectMatches(durable.filter, subject));
    if (durables.length > 0) this.retained.add(stored);
    for (const durable of durables) durable.enqueue(stored.seq);
    for (const subscriber of this.live)
      if (subjectMatches(subscriber.subject, subject)) subscriber.enqueue(stored);
    this.metrics.published(kind, 'published');
    return { status: 'published', id: valid.id, subject };
  }

  protected async openSubscription(subject: string, context: DeliveryContext): Promise<Subscription> {
    const subscription =
      context.options.durable === undefined
        ? this.subscribeLive(subject, context)
        : this.subscribeDurable(subject, context.options.durable, context);
    this.openSubscriptions.add(subscription);
    return subscription;
  }

  connectionState(): ConnectionState {
    return this.closed ? 'closed' : 'connected';
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.openSubscriptions].map((subscription) => subscription.close()));
    for (const durable of this.durables.values()) durable.stop();
    this.metrics.connectionStateChanged('connected', 'closed');
  }

  private subscribeLive(subject: string, context: DeliveryContext): Subscription {
    const subscriber = new LiveSubscriber(subject, context);
    this.live.add(subscriber);
    return this.subscriptionHandle(subject, undefined, async () => {
      this.live.delete(subscriber);
      await subscriber.stop(context.options.drainTimeoutMs);
    });
  }

  private subscribeDurable(subject: string, name: string, context: DeliveryContext): Subscription {
    let durable = this.durables.get(name);
    if (durable && durable.filter !== subject) {
      throw new BusError(
        'DURABLE_CONFLICT',
        `durable '${name}' already exists with filter '${durable.filter}', not '${subject}'`,
      );
    }
    if (!durable) {
      durable = new DurableConsumer(name, subject, this.retained);
      this.durables.set(name, durable);
    }
    const member: Member = { slots: new Slots(context.options.concurrency), context };
    durable.attach(member);
    const consumer = durable;
    return this.subscriptionHandle(subject, name, () =>
      consumer.detach(member, context.options.drainTimeoutMs),
    );
  }

  private subscriptionHandle(
    subject: string,
    durable: string | undefined,
    stop: () => Promise<void>,
  ): Subscription {
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      subject,
      durable,
      close: () => {
        closing ??= stop().finally(() => this.openSubscriptions.delete(subscription));
        return closing;
      },
    };
    return subscription;
  }

  private isDuplicate(id: string): boolean {
    const now = Date.now();
    for (const [seenId, expiresAt] of this.recentIds) {
      if (expiresAt > now) break;
      this.recentIds.delete(seenId);
    }
    if (this.recentIds.has(id)) return true;
    this.recentIds.set(id, now + this.config.duplicateWindowMs);
    return false;
  }
}

/** A bus living inside this process, for single-process mode and tests. */
export function createInProcessBus(options: InProcessBusOptions = {}): EventBus {
  return new InProcessBus(options);
}
