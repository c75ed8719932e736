import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './in-process-bus.js';
import type { ReconcileRequestMessage } from './messages.js';
import { describeBusContract } from './test-support/bus-contract.js';
import { recorder, silentLogger } from './test-support/fixtures.js';
import { gate, waitFor } from './test-support/wait.js';

describeBusContract('in-process', async ({ config, registry, logger }) =>
  createInProcessBus({ config, registry, logger }),
);

describe('in-process bus', () => {
  it('forgets messages a durable did not collect within the retention age', async () => {
    const bus = createInProcessBus({
      logger: silentLogger,
      config: { streamMaxAgeMs: 50, duplicateWindowMs: 50 },
    });
    const sub = await bus.subscribe({ type: 'reconcile' }, () => {}, { durable: 'aged' });
    await sub.close();
    await bus.requestReconcile({ kind: 'Kustomization', namespace: 'ns', name: 'stale', requestedAt: '1' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const { received, handler } = recorder<ReconcileRequestMessage>();
    await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'aged' });
    await bus.requestReconcile({ kind: 'Kustomization', namespace: 'ns', name: 'fresh', requestedAt: '2' });
    await waitFor(() => received.length === 1, 'the fresh message');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.map(({ message }) => message.data.name)).toEqual(['fresh']);
    await bus.close();
  });

  it('counts a handed-back delivery as an attempt', async () => {
    const bus = createInProcessBus({ logger: silentLogger });
    const stuck = gate();
    let started = false;
    const sub = await bus.subscribe(
      { type: 'reconcile' },
      () => {
        started = true;
        return stuck.promise;
      },
      { durable: 'handback', drainTimeoutMs: 10 },
    );
    await bus.requestReconcile({ kind: 'Kustomization', namespace: 'ns', name: 'slow' });
    await waitFor(() => started, 'the first delivery');
    await sub.close();
    const { received, handler } = recorder();
    await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'handback' });
    await waitFor(() => received.length === 1, 'the redelivery');
    expect(received[0]?.delivery).toMatchObject({ attempt: 2, redelivered: true });
    stuck.open();
    await bus.close();
  });

  it('never runs a handler inside publish()', async () => {
    const bus = createInProcessBus({ logger: silentLogger });
    let calls = 0;
    await bus.subscribe({ type: 'reconcile' }, () => {
      calls++;
    });
    const publishing = bus.requestReconcile({ kind: 'Kustomization', namespace: 'ns', name: 'x' });
    expect(calls).toBe(0);
    await publishing;
    await waitFor(() => calls === 1, 'the delivery');
    await bus.close();
  });

  it('validates its configuration', () => {
    expect(() => createInProcessBus({ config: { maxDeliver: 0 } })).toThrow(/maxDeliver/);
  });
});
