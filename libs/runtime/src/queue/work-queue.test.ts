import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { WorkQueue, type WorkQueueObserver } from './work-queue.js';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Lets every pending promise callback run (no timers involved). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function countingObserver() {
  const counts = { added: 0, retried: 0, queued: [] as number[], worked: [] as number[], depth: 0 };
  const observer: WorkQueueObserver = {
    added: () => counts.added++,
    retried: () => counts.retried++,
    queued: (ms) => counts.queued.push(ms),
    worked: (ms) => counts.worked.push(ms),
    depth: (value) => (counts.depth = value),
  };
  return { counts, observer };
}

describe('WorkQueue', () => {
  it('collapses repeated adds of a waiting key into one run', async () => {
    const { counts, observer } = countingObserver();
    const queue = new WorkQueue({ clock: new ManualClock(), observer });
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    expect(queue.depth).toBe(2);
    const seen: string[] = [];
    queue.process(async (key) => void seen.push(key), 1);
    await queue.settled();
    expect(seen).toEqual(['ns/a', 'ns/b']);
    expect(counts.added).toBe(2);
    expect(counts.worked).toHaveLength(2);
    expect(counts.depth).toBe(0);
  });

  it('never runs one key twice at once, and re-runs it once if added while running', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const first = gate();
    let running = 0;
    let maxRunning = 0;
    const runs: string[] = [];
    queue.process(async (key) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs.push(key);
      if (runs.length === 1) await first.promise;
      running--;
    }, 4);
    queue.add('ns/a');
    await flush();
    expect(queue.isProcessing('ns/a')).toBe(true);
    queue.add('ns/a');
    queue.add('ns/a');
    await flush();
    expect(runs).toEqual(['ns/a']);
    first.open();
    await queue.settled();
    expect(runs).toEqual(['ns/a', 'ns/a']);
    expect(maxRunning).toBe(1);
  });

  it('runs different keys in parallel up to the concurrency', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const release = gate();
    let running = 0;
    let maxRunning = 0;
    queue.process(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await release.promise;
      running--;
    }, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await flush();
    expect(queue.processingCount).toBe(3);
    expect(queue.depth).toBe(2);
    release.open();
    await queue.settled();
    expect(maxRunning).toBe(3);
  });

  it('keeps the earliest of several delayed adds and fires it when the clock gets there', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    const runs: number[] = [];
    queue.process(async () => void runs.push(clock.now()), 1);
    const start = clock.now();
    queue.addAfter('ns/a', 60_000, 'interval');
    queue.addAfter('ns/a', 30_000, 'dependency');
    queue.addAfter('ns/a', 90_000, 'interval');
    expect(queue.scheduledAdd('ns/a')).toEqual({
      dueAt: start + 30_000,
      delayMs: 30_000,
      reason: 'dependency',
    });
    clock.advance(29_999);
    await flush();
    expect(runs).toEqual([]);
    clock.advance(1);
    await queue.settled();
    expect(runs).toEqual([start + 30_000]);
    expect(queue.scheduledAdd('ns/a')).toBeUndefined();
  });

  it('drops a pending delayed add when the key is taken for processing', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    let runs = 0;
    queue.process(async () => void runs++, 1);
    queue.addAfter('ns/a', 10_000);
    queue.add('ns/a');
    await queue.settled();
    expect(runs).toBe(1);
    expect(queue.scheduledAdd('ns/a')).toBeUndefined();
    expect(clock.pendingTimers).toEqual([]);
  });

  it('backs off per key exponentially until forgotten', () => {
    const { counts, observer } = countingObserver();
    const queue = new WorkQueue({
      clock: new ManualClock(),
      backoff: { minDelayMs: 750, maxDelayMs: 4000, jitter: 0 },
      observer,
    });
    expect([queue.addRateLimited('k'), queue.addRateLimited('k'), queue.addRateLimited('k')]).toEqual([
      750, 1500, 3000,
    ]);
    expect(queue.addRateLimited('k')).toBe(4000);
    expect(queue.retries('k')).toBe(4);
    expect(counts.retried).toBe(4);
    queue.forget('k');
    expect(queue.addRateLimited('k')).toBe(750);
  });

  it('drains running work on shutdown, dropping waiting and scheduled keys', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    const release = gate();
    const finished: string[] = [];
    queue.process(async (key) => {
      await release.promise;
      finished.push(key);
    }, 1);
    queue.add('ns/running');
    queue.add('ns/waiting');
    queue.addAfter('ns/later', 5_000);
    await flush();
    const stopping = queue.shutdown(60_000);
    queue.add('ns/after-shutdown');
    release.open();
    expect(await stopping).toBe(true);
    expect(finished).toEqual(['ns/running']);
    expect(clock.pendingTimers).toEqual([]);
  });

  it('gives up waiting at the deadline and aborts the running handlers', async () => {
    const clock = new ManualClock();
    const queue = new WorkQueue({ clock });
    let signal: AbortSignal | undefined;
    queue.process((_key, s) => {
      signal = s;
      return new Promise<void>((resolve) => s.addEventListener('abort', () => resolve()));
    }, 1);
    queue.add('ns/stuck');
    await flush();
    const stopping = queue.shutdown(30_000);
    await flush();
    expect(signal?.aborted).toBe(false);
    clock.advance(30_000);
    expect(await stopping).toBe(false);
    expect(signal?.aborted).toBe(true);
  });

  it('survives a throwing handler', async () => {
    const queue = new WorkQueue({ clock: new ManualClock() });
    const seen: string[] = [];
    queue.process(async (key) => {
      seen.push(key);
      if (key === 'bad') throw new Error('boom');
    }, 1);
    queue.add('bad');
    queue.add('good');
    await queue.settled();
    expect(seen).toEqual(['bad', 'good']);
  });
});
