// The publish path of the NATS bus: a bounded in-memory queue drained to JetStream in order.
// publish() never waits on an outage; while NATS is away messages wait here (oldest evicted when
// full, with a metric and a log line) and go out on reconnect, de-duplicated by their id.
import type { Logger } from 'pino';
import { errorMessage } from './errors.js';
import type { PublishStatus } from './event-bus.js';
import type { BusMetrics } from './metrics.js';
import type { MessageKind } from './subjects.js';
import { backoffDelay } from './connection.js';

export interface OutboxMessage {
  id: string;
  subject: string;
  kind: MessageKind;
  body: Uint8Array;
}

/** Outcome of one send attempt; `rejected` means the server refused the message itself. */
export type SendResult = 'published' | 'duplicate';

export class MessageRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessageRejectedError';
  }
}

export interface OutboxOptions {
  capacity: number;
  /** How long publish() waits for the acknowledgement before answering `buffered`. */
  answerWithinMs: number;
  /** Messages sent concurrently; one connection keeps them in order on the wire. */
  window: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sends one message; throws MessageRejectedError for permanent refusals. */
  send: (message: OutboxMessage) => Promise<SendResult>;
  /** Whether sending can be attempted now (connected and the stream provisioned). */
  canSend: () => boolean;
  logger: Logger;
  metrics: BusMetrics;
}

interface Entry {
  message: OutboxMessage;
  /** Counted in the buffer gauge. */
  queued: boolean;
  inFlight: boolean;
  answered: boolean;
  answer: (status: PublishStatus) => void;
  timer: NodeJS.Timeout | undefined;
}

export class Outbox {
  private entries: Entry[] = [];
  private pumping = false;
  private closed = false;
  private failures = 0;
  private wake: (() => void) | undefined;
  private readonly emptyWaiters: (() => void)[] = [];

  constructor(private readonly options: OutboxOptions) {}

  get size(): number {
    return this.entries.length;
  }

  enqueue(message: OutboxMessage): Promise<PublishStatus> {
    return new Promise((resolve) => {
      const entry: Entry = {
        message,
        queued: false,
        inFlight: false,
        answered: false,
        answer: resolve,
        timer: undefined,
      };
      if (this.entries.length >= this.options.capacity && !this.evictOldest()) {
        this.drop(entry, 'buffer_full');
        return;
      }
      this.entries.push(entry);
      entry.queued = true;
      this.options.metrics.bufferChanged(1);
      if (!this.options.canSend() || this.failures > 0) {
        this.answerBuffered(entry);
      } else {
        entry.timer = setTimeout(() => this.answerBuffered(entry), this.options.answerWithinMs);
      }
      this.kick();
    });
  }

  /** Starts draining unless already running (a running drain keeps its retry backoff). */
  kick(): void {
    if (this.pumping || this.closed) return;
    void this.pump();
  }

  /** The connection became usable again: retry now instead of after the backoff. */
  resume(): void {
    this.failures = 0;
    this.wake?.();
    this.kick();
  }

  /** Resolves true once everything queued is sent, or false after timeoutMs. */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.entries.length === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const emptied = await Promise.race([
      new Promise<boolean>((resolve) => this.emptyWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return emptied;
  }

  /** Gives up on everything not already on the wire (counted and logged as dropped). */
  close(): void {
    this.closed = true;
    this.wake?.();
    this.dropWaiting();
  }

  private dropWaiting(): void {
    const waiting = this.entries.filter((entry) => !entry.inFlight);
    this.entries = this.entries.filter((entry) => entry.inFlight);
    for (const entry of waiting) this.drop(entry, 'closed');
  }

  private evictOldest(): boolean {
    const index = this.entries.findIndex((entry) => !entry.inFlight);
    if (index < 0) return false;
    const [evicted] = this.entries.splice(index, 1) as [Entry];
    this.drop(evicted, 'buffer_full');
    return true;
  }

  private unqueue(entry: Entry): void {
    if (!entry.queued) return;
    entry.queued = false;
    this.options.metrics.bufferChanged(-1);
  }

  private drop(entry: Entry, reason: 'buffer_full' | 'closed' | 'rejected', cause?: unknown): void {
    this.unqueue(entry);
    this.options.metrics.dropped(entry.message.kind, reason);
    this.options.logger.warn(
      {
        id: entry.message.id,
        subject: entry.message.subject,
        reason,
        err: cause ? errorMessage(cause) : undefined,
      },
      'bus dropped a message',
    );
    this.answer(entry, 'dropped');
  }

  private answer(entry: Entry, status: PublishStatus): void {
    clearTimeout(entry.timer);
    if (entry.answered) return;
    entry.answered = true;
    if (status === 'buffered') this.options.metrics.published(entry.message.kind, 'buffered');
    entry.answer(status);
  }

  private answerBuffered(entry: Entry): void {
    this.answer(entry, 'buffered');
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (!this.closed && this.entries.length > 0 && this.options.canSend()) {
        const batch = this.entries.slice(0, this.options.window);
        for (const entry of batch) entry.inFlight = true;
        const results = await Promise.allSettled(batch.map((entry) => this.options.send(entry.message)));
        const failed = this.settle(batch, results);
        if (failed === undefined) {
          this.failures = 0;
          continue;
        }
        const delayMs = backoffDelay(this.failures++, this.options.retryBaseMs, this.options.retryMaxMs);
        this.options.logger.warn(
          { buffered: this.entries.length, err: errorMessage(failed), retryInMs: delayMs },
          'publishing to NATS failed; keeping messages buffered',
        );
        await this.pause(delayMs);
      }
    } finally {
      this.pumping = false;
      if (this.closed) this.dropWaiting();
    }
  }

  /** Applies send results; returns the first transient failure, if any. */
  private settle(batch: Entry[], results: PromiseSettledResult<SendResult>[]): unknown {
    let transient: unknown;
    const done = new Set<Entry>();
    batch.forEach((entry, i) => {
      const result = results[i] as PromiseSettledResult<SendResult>;
      entry.inFlight = false;
      if (result.status === 'fulfilled') {
        done.add(entry);
        this.unqueue(entry);
        this.options.metrics.published(entry.message.kind, result.value);
        this.answer(entry, result.value);
      } else if (result.reason instanceof MessageRejectedError) {
        done.add(entry);
        this.drop(entry, 'rejected', result.reason);
      } else {
        transient ??= result.reason;
        this.answerBuffered(entry);
      }
    });
    this.entries = this.entries.filter((entry) => !done.has(entry));
    if (this.entries.length === 0) for (const notify of this.emptyWaiters.splice(0)) notify();
    return transient;
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, ms);
      this.wake = finish;
      function finish() {
        clearTimeout(timer);
        resolve();
      }
    });
    this.wake = undefined;
  }
}
