import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { Lifecycle } from './lifecycle.js';

const silent = createLogger({ name: 'test', destination: { write: () => undefined } });

describe('Lifecycle', () => {
  it('runs shutdown steps once, in reverse order, even when one fails', async () => {
    const order: string[] = [];
    const lifecycle = new Lifecycle(silent, 1_000);
    lifecycle.onShutdown('bus', () => void order.push('bus'));
    lifecycle.onShutdown('broken', () => {
      order.push('broken');
      throw new Error('boom');
    });
    lifecycle.onShutdown('http', async () => void order.push('http'));
    expect(await lifecycle.shutdown('SIGTERM')).toBe(true);
    expect(await lifecycle.shutdown('SIGTERM')).toBe(true);
    expect(order).toEqual(['http', 'broken', 'bus']);
    expect(lifecycle.isStopping).toBe(true);
  });

  it('gives up at the deadline when a step hangs', async () => {
    const lifecycle = new Lifecycle(silent, 50);
    lifecycle.onShutdown('stuck', () => new Promise(() => undefined));
    expect(await lifecycle.shutdown('SIGTERM')).toBe(false);
  });
});
