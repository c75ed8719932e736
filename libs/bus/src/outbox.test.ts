import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createBusMetrics } from './metrics.js';
import {
  MessageRejectedError,
  Outbox,
  type OutboxMessage,
  type OutboxOptions,
  type SendResult,
} from './outbox.js';
import { capturingLogger, metricValue } from './test-support/fixtures.js';
import { gate, waitFor } from './test-support/wait.js';

function message(id: string): OutboxMessage {
  return { id, subject: `t.reconcile.K.ns.${id}`, kind: 'reconcile', body: new TextEncoder().encode(id) };
}

/** An outbox over a fake transport the test controls. */
function harness(overrides: Partial<OutboxOptions> = {}) {
  const registry = new Registry();
  const { logger, lines } = capturingLogger();
  const sent: string[] = [];
  const state = {
    up: true,
    fail: undefined as Error | undefined,
    hold: undefined as Promise<void> | undefined,
  };
  const outbox = new Outbox({
    capacity: 10,
    answerWithinMs: 5_000,
    window: 4,
    retryBaseMs: 5,
    retryMaxMs: 20,
    canSend: () => state.up,
    send: async (m): Promise<SendResult> => {
      await state.hold;
      if (state.fail) throw state.fail;
      if (sent.includes(m.id)) return 'duplicate';
      sent.push(m.id);
      return 'published';
    },
    logger,
    metrics: createBusMetrics(registry),
    ...overrides,
  });
  const buffered = () => metricValue(registry, 'flotilla_bus_publish_buffer_messages');
  const dropped = (reason: string) =>
    metricValue(registry, 'flotilla_bus_dropped_total', { subject_kind: 'reconcile', reason });
  return { outbox, sent, state, lines, registry, buffered, dropped };
}

describe('outbox', () => {
  it('answers published once the transport acknowledges, in order', async () => {
    const { outbox, sent, buffered } = harness();
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => outbox.enqueue(message(id))),
    );
    expect(answers).toEqual(Array(6).fill('published'));
    expect(sent).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await buffered()).toBe(0);
  });

  it('answers buffered at once while the transport is down, then delivers on resume', async () => {
    const { outbox, sent, state, buffered } = harness();
    state.up = false;
    expect(await outbox.enqueue(message('a'))).toBe('buffered');
    expect(await outbox.enqueue(message('b'))).toBe('buffered');
    expect(sent).toEqual([]);
    expect(await buffered()).toBe(2);
    state.up = true;
    outbox.resume();
    await waitFor(() => sent.length === 2, 'the flush');
    expect(sent).toEqual(['a', 'b']);
    expect(await buffered()).toBe(0);
  });

  it('answers buffered when the acknowledgement takes too long, and still sends', async () => {
    const { outbox, sent, state } = harness({ answerWithinMs: 20 });
    const slow = gate();
    state.hold = slow.promise;
    expect(await outbox.enqueue(message('slow'))).toBe('buffered');
    slow.open();
    await waitFor(() => sent.length === 1, 'the late send');
  });

  it('retries transient failures with backoff, keeping order', async () => {
    const { outbox, sent, state, lines } = harness();
    state.fail = new Error('timeout');
    const answers = [outbox.enqueue(message('a')), outbox.enqueue(message('b'))];
    expect(await Promise.all(answers)).toEqual(['buffered', 'buffered']);
    await waitFor(
      () => lines.some((line) => line.msg === 'publishing to NATS failed; keeping messages buffered'),
      'a retry',
    );
    state.fail = undefined;
    await waitFor(() => sent.length === 2, 'the retry to succeed');
    expect(sent).toEqual(['a', 'b']);
  });

  it('evicts the oldest waiting message when full, with a metric and a log line', async () => {
    const { outbox, sent, state, lines, dropped, buffered } = harness({ capacity: 2 });
    state.up = false;
    for (const id of ['a', 'b', 'c']) await outbox.enqueue(message(id));
    expect(await dropped('buffer_full')).toBe(1);
    expect(await buffered()).toBe(2);
    expect(lines.find((line) => line.msg === 'bus dropped a message')).toMatchObject({
      id: 'a',
      reason: 'buffer_full',
    });
    state.up = true;
    outbox.resume();
    await waitFor(() => sent.length === 2, 'the flush');
    expect(sent).toEqual(['b', 'c']);
  });

  it('drops messages the server refuses instead of retrying them forever', async () => {
    const { outbox, state, dropped } = harness();
    state.fail = new MessageRejectedError('maximum message size exceeded');
    expect(await outbox.enqueue(message('huge'))).toBe('dropped');
    expect(await dropped('rejected')).toBe(1);
    expect(outbox.size).toBe(0);
  });

  it('reports duplicates from the transport', async () => {
    const { outbox } = harness();
    expect(await outbox.enqueue(message('a'))).toBe('published');
    expect(await outbox.enqueue(message('a'))).toBe('duplicate');
  });

  it('flushes within a deadline and drops what is left on close', async () => {
    const { outbox, state, dropped, buffered } = harness();
    state.up = false;
    await outbox.enqueue(message('a'));
    expect(await outbox.flush(30)).toBe(false);
    outbox.close();
    expect(await dropped('closed')).toBe(1);
    expect(await buffered()).toBe(0);
    expect(await outbox.flush(30)).toBe(true);
  });
});
