// Running a handler for one delivery and deciding what happens to the message afterwards; both
// implementations use this, so retry, give-up, logging and metrics behave identically.
import type { Logger } from 'pino';
import { errorMessage } from './errors.js';
import type { DeliveryInfo, MessageHandler, ResolvedSubscribeOptions } from './event-bus.js';
import type { BusMessage } from './messages.js';
import type { BusMetrics } from './metrics.js';
import type { MessageKind } from './subjects.js';

export type Verdict =
  | { action: 'ack' }
  | { action: 'retry'; delayMs: number }
  | { action: 'give-up' }
  /** A live subscription's handler failed: nothing to redeliver. */
  | { action: 'discard' };

/** Redelivery delay after the given failed attempt: base × 2^(attempt-1), capped. */
export function retryDelay(
  attempt: number,
  options: Pick<ResolvedSubscribeOptions, 'retryDelayMs' | 'maxRetryDelayMs'>,
) {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(options.retryDelayMs * 2 ** exponent, options.maxRetryDelayMs);
}

export interface DeliveryContext {
  handler: MessageHandler<BusMessage>;
  options: ResolvedSubscribeOptions;
  kind: MessageKind;
  logger: Logger;
  metrics: BusMetrics;
}

export async function runDelivery(
  context: DeliveryContext,
  message: BusMessage,
  delivery: DeliveryInfo,
): Promise<Verdict> {
  const { options, logger, metrics, kind } = context;
  try {
    await context.handler(message, delivery);
    metrics.delivered(kind, 'acked');
    return { action: 'ack' };
  } catch (error) {
    const fields = {
      id: message.id,
      subject: delivery.subject,
      attempt: delivery.attempt,
      err: errorMessage(error),
    };
    if (options.durable === undefined) {
      metrics.delivered(kind, 'failed');
      logger.warn(fields, 'bus handler failed; live subscriptions do not redeliver');
      return { action: 'discard' };
    }
    if (delivery.attempt >= options.maxDeliver) {
      metrics.delivered(kind, 'gave_up');
      logger.error(
        { ...fields, durable: options.durable },
        'bus handler failed on the last allowed delivery; giving the message up',
      );
      return { action: 'give-up' };
    }
    const delayMs = retryDelay(delivery.attempt, options);
    metrics.delivered(kind, 'retried');
    logger.warn(
      { ...fields, durable: options.durable, retryInMs: delayMs },
      'bus handler failed; message will be redelivered',
    );
    return { action: 'retry', delayMs };
  }
}

/** A counting semaphore bounding concurrently running handlers. */
export class Slots {
  private free: number;
  private readonly waiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly size: number) {
    this.free = size;
  }

  get busy(): number {
    return this.size - this.free;
  }

  hasFree(): boolean {
    return this.free > 0;
  }

  /** Takes a slot if one is free, without waiting. */
  tryAcquire(): boolean {
    if (this.free === 0) return false;
    this.free--;
    return true;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
      return;
    }
    this.free++;
    if (this.free === this.size) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves when nothing runs, or after timeoutMs; returns whether everything finished. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.free === this.size) return true;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return finished;
  }
}
