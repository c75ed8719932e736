import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { retryDelay, runDelivery, Slots, type DeliveryContext } from './delivery.js';
import { createReconcileRequest } from './messages.js';
import { createBusMetrics } from './metrics.js';
import { capturingLogger, metricValue } from './test-support/fixtures.js';

const options = {
  durable: 'd',
  concurrency: 1,
  maxDeliver: 3,
  retryDelayMs: 100,
  maxRetryDelayMs: 250,
  drainTimeoutMs: 10,
};
const message = createReconcileRequest(
  { kind: 'K', namespace: 'n', name: 'x', requestedAt: '1' },
  { source: '/t' },
);

function context(handler: DeliveryContext['handler'], durable: string | null = 'd') {
  const registry = new Registry();
  const { logger, lines } = capturingLogger();
  const ctx: DeliveryContext = {
    handler,
    options: { ...options, durable: durable ?? undefined },
    kind: 'reconcile',
    logger,
    metrics: createBusMetrics(registry),
  };
  return { ctx, registry, lines };
}

describe('delivery', () => {
  it('doubles the retry delay per attempt up to the cap', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, options))).toEqual([100, 200, 250, 250]);
    expect(retryDelay(1000, options)).toBe(250);
  });

  it('acks on success, retries before maxDeliver, gives up at it', async () => {
    const ok = context(() => {});
    expect(await runDelivery(ok.ctx, message, { subject: 's', attempt: 1, redelivered: false })).toEqual({
      action: 'ack',
    });
    const failing = context(() => {
      throw new Error('boom');
    });
    expect(await runDelivery(failing.ctx, message, { subject: 's', attempt: 2, redelivered: true })).toEqual({
      action: 'retry',
      delayMs: 200,
    });
    expect(await runDelivery(failing.ctx, message, { subject: 's', attempt: 3, redelivered: true })).toEqual({
      action: 'give-up',
    });
    expect(await metricValue(failing.registry, 'flotilla_bus_deliveries_total', { result: 'retried' })).toBe(
      1,
    );
    expect(await metricValue(failing.registry, 'flotilla_bus_deliveries_total', { result: 'gave_up' })).toBe(
      1,
    );
    expect(failing.lines.map((line) => [line.level, line.err])).toEqual([
      [40, 'boom'],
      [50, 'boom'],
    ]);
  });

  it('discards failures of live subscriptions', async () => {
    const live = context(async () => Promise.reject(new Error('nope')), null);
    expect(await runDelivery(live.ctx, message, { subject: 's', attempt: 1, redelivered: false })).toEqual({
      action: 'discard',
    });
    expect(await metricValue(live.registry, 'flotilla_bus_deliveries_total', { result: 'failed' })).toBe(1);
  });

  it('bounds concurrency and reports idleness', async () => {
    const slots = new Slots(2);
    expect(slots.tryAcquire()).toBe(true);
    await slots.acquire();
    expect(slots.tryAcquire()).toBe(false);
    let third = false;
    const waiting = slots.acquire().then(() => (third = true));
    expect(await slots.idle(10)).toBe(false);
    slots.release();
    await waiting;
    expect(third).toBe(true);
    slots.release();
    slots.release();
    expect(await slots.idle(10)).toBe(true);
  });
});
