// The EventBus contract, written once and run against every implementation (NATS JetStream and
// in-process). Each test opens its own isolated bus. "Nothing else arrived" is proven with a
// sentinel: a message published last that, once received, shows everything before it was seen.
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { BusConfigInput } from '../config.js';
import { BusError } from '../errors.js';
import type { EventBus, Subscription } from '../event-bus.js';
import {
  createReconcileEvent,
  MESSAGE_TYPES,
  type BusMessage,
  type ReconcileRequestMessage,
} from '../messages.js';
import { artifact, fluxEvent, metricValue, recorder, silentLogger } from './fixtures.js';
import { gate, waitFor } from './wait.js';

export interface OpenBusOptions {
  config?: BusConfigInput;
  registry?: Registry;
  logger?: Logger;
}

/** Opens a fresh bus isolated from every other one opened by the same factory. */
export type OpenBus = (options: OpenBusOptions) => Promise<EventBus>;

const KS = 'Kustomization';

function names(received: { message: BusMessage }[]): string[] {
  return received.map(({ message }) => {
    const data = message.data as { name?: string; involvedObject?: { name?: string } };
    return data.name ?? data.involvedObject?.name ?? '';
  });
}

async function requestAll(bus: EventBus, namespace: string, list: string[]): Promise<void> {
  for (const name of list)
    await bus.requestReconcile({ kind: KS, namespace, name, requestedAt: `t-${name}` });
}

export function describeBusContract(label: string, openBus: OpenBus): void {
  describe(`EventBus contract: ${label}`, () => {
    const opened: EventBus[] = [];
    const open = async (options: OpenBusOptions = {}) => {
      const bus = await openBus({
        logger: silentLogger,
        ...options,
        config: { retryDelayMs: 20, maxRetryDelayMs: 100, ...options.config },
      });
      opened.push(bus);
      return bus;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
    });

    it('delivers a Flux event as a structured CloudEvent with the event object as data', async () => {
      const bus = await open();
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'event' }, handler);
      const event = fluxEvent({ name: 'podinfo.v2' });
      const outcome = await bus.publishEvent(event, { source: '/flotilla/kustomize-controller' });
      expect(outcome.status).toBe('published');
      expect(outcome.subject).toBe(
        `${bus.subjectPrefix}.events.kustomize~2Etoolkit~2Efluxcd~2Eio.Kustomization.flux-system.podinfo~2Ev2`,
      );
      await waitFor(() => received.length === 1, 'the event');
      const [{ message, delivery }] = received as [(typeof received)[0]];
      expect(message).toEqual({
        specversion: '1.0',
        id: outcome.id,
        source: '/flotilla/kustomize-controller',
        type: MESSAGE_TYPES.event,
        subject: 'Kustomization/flux-system/podinfo.v2',
        time: event.timestamp,
        datacontenttype: 'application/json',
        data: event,
      });
      expect(delivery).toEqual({
        subject: outcome.subject,
        attempt: 1,
        redelivered: false,
        durable: undefined,
      });
    });

    it('routes by message type, kind, namespace and name, with dots in names', async () => {
      const bus = await open();
      const exact = recorder();
      const namespace = recorder();
      const artifacts = recorder();
      await bus.subscribe(
        { type: 'reconcile', kind: KS, namespace: 'team.a', name: 'app.v1' },
        exact.handler,
      );
      await bus.subscribe({ type: 'reconcile', kind: KS, namespace: 'team.a' }, namespace.handler);
      await bus.subscribe({ type: 'artifact', kind: 'GitRepository' }, artifacts.handler);
      await requestAll(bus, 'team.a', ['app.v1', 'app.v2']);
      await requestAll(bus, 'team.b', ['app.v1']);
      await bus.requestReconcile({
        kind: 'HelmRelease',
        namespace: 'team.a',
        name: 'app.v1',
        requestedAt: '1',
      });
      await bus.announceArtifact(artifact({ kind: 'OCIRepository', name: 'ignored' }));
      await bus.announceArtifact(artifact({ name: 'sentinel' }));
      await waitFor(() => artifacts.received.length === 1, 'the artifact sentinel');
      await bus.requestReconcile({ kind: KS, namespace: 'team.a', name: 'app.v1', requestedAt: 'sentinel' });
      await waitFor(
        () => exact.received.length === 2 && namespace.received.length === 3,
        'the reconcile sentinel',
      );
      expect(
        exact.received.map(({ message }) => (message as ReconcileRequestMessage).data.requestedAt),
      ).toEqual(['t-app.v1', 'sentinel']);
      expect(names(namespace.received)).toEqual(['app.v1', 'app.v2', 'app.v1']);
      expect(names(artifacts.received)).toEqual(['sentinel']);
      expect(artifacts.received[0]?.message.data).toEqual(artifact({ name: 'sentinel' }));
    });

    it('filters events by API group', async () => {
      const bus = await open();
      const helm = recorder();
      await bus.subscribe({ type: 'event', group: 'helm.toolkit.fluxcd.io' }, helm.handler);
      await bus.publishEvent(fluxEvent());
      const release = fluxEvent({ name: 'nginx' });
      release.involvedObject = { kind: 'HelmRelease', namespace: 'default', name: 'nginx' };
      await bus.publishEvent(release);
      await waitFor(() => helm.received.length === 1, 'the HelmRelease event');
      await bus.publishEvent({ ...release, involvedObject: { ...release.involvedObject, name: 'sentinel' } });
      await waitFor(() => helm.received.length === 2, 'the sentinel');
      expect(names(helm.received)).toEqual(['nginx', 'sentinel']);
    });

    it('gives every live subscriber every message published after it subscribed, and nothing older', async () => {
      const bus = await open();
      await requestAll(bus, 'ns', ['before']);
      const first = recorder();
      const second = recorder();
      await bus.subscribe({ type: 'reconcile' }, first.handler);
      await bus.subscribe({ type: 'reconcile' }, second.handler);
      await requestAll(bus, 'ns', ['a', 'b', 'c']);
      await waitFor(() => first.received.length === 3 && second.received.length === 3, 'both subscribers');
      expect(names(first.received)).toEqual(['a', 'b', 'c']);
      expect(names(second.received)).toEqual(['a', 'b', 'c']);
    });

    it('keeps messages for a durable subscription while it is away and does not redeliver acked ones', async () => {
      const bus = await open();
      const first = recorder();
      const sub = await bus.subscribe({ type: 'reconcile' }, first.handler, { durable: 'resume' });
      await requestAll(bus, 'ns', ['one']);
      await waitFor(() => first.received.length === 1, 'the first message');
      await sub.close();
      await requestAll(bus, 'ns', ['two', 'three']);
      const second = recorder();
      await bus.subscribe({ type: 'reconcile' }, second.handler, { durable: 'resume' });
      await waitFor(() => second.received.length === 2, 'the messages published while away');
      await requestAll(bus, 'ns', ['sentinel']);
      await waitFor(() => second.received.length === 3, 'the sentinel');
      expect(names(second.received)).toEqual(['two', 'three', 'sentinel']);
      expect(second.received[0]?.delivery).toMatchObject({
        attempt: 1,
        redelivered: false,
        durable: 'resume',
      });
    });

    it('delivers a durable in publish order and shares it between subscribers, each message once', async () => {
      const bus = await open();
      const seen: { sub: string; name: string }[] = [];
      const firstMessage = { a: gate(), b: gate() };
      const subscribeAs = (sub: 'a' | 'b') =>
        bus.subscribe(
          { type: 'reconcile' },
          async (message) => {
            seen.push({ sub, name: message.data.name });
            if (seen.filter((entry) => entry.sub === sub).length === 1) await firstMessage[sub].promise;
          },
          { durable: 'shared' },
        );
      await subscribeAs('a');
      await subscribeAs('b');
      const published = Array.from({ length: 10 }, (_, i) => `m${i}`);
      await requestAll(bus, 'ns', published);
      // Each subscriber holds its first message, so the other must have received one too.
      await waitFor(() => new Set(seen.map((entry) => entry.sub)).size === 2, 'both subscribers busy');
      firstMessage.a.open();
      firstMessage.b.open();
      await waitFor(() => seen.length === 10, 'all messages');
      expect(seen.map((entry) => entry.name).sort()).toEqual([...published].sort());
    });

    it('preserves publish order for a single durable subscriber', async () => {
      const bus = await open();
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'ordered' });
      const published = Array.from({ length: 20 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      await requestAll(bus, 'ns', published);
      await waitFor(() => received.length === 20, 'all messages');
      expect(names(received)).toEqual(published);
    });

    it('redelivers after a handler failure until it succeeds, then never again', async () => {
      const bus = await open();
      const attempts: { name: string; attempt: number; redelivered: boolean }[] = [];
      await bus.subscribe(
        { type: 'reconcile' },
        (message, delivery) => {
          attempts.push({
            name: message.data.name,
            attempt: delivery.attempt,
            redelivered: delivery.redelivered,
          });
          if (message.data.name === 'flaky' && delivery.attempt === 1) throw new Error('transient');
        },
        { durable: 'retry' },
      );
      await requestAll(bus, 'ns', ['flaky']);
      await waitFor(() => attempts.length === 2, 'the redelivery');
      await requestAll(bus, 'ns', ['sentinel']);
      await waitFor(() => attempts.some((entry) => entry.name === 'sentinel'), 'the sentinel');
      expect(attempts).toEqual([
        { name: 'flaky', attempt: 1, redelivered: false },
        { name: 'flaky', attempt: 2, redelivered: true },
        { name: 'sentinel', attempt: 1, redelivered: false },
      ]);
    });

    it('gives a message up after maxDeliver failed attempts, counting it', async () => {
      const registry = new Registry();
      const bus = await open({ registry, config: { maxDeliver: 3 } });
      const attempts: number[] = [];
      await bus.subscribe(
        { type: 'reconcile' },
        (message, delivery) => {
          if (message.data.name !== 'doomed') return;
          attempts.push(delivery.attempt);
          throw new Error('permanent');
        },
        { durable: 'give-up' },
      );
      await requestAll(bus, 'ns', ['doomed']);
      const labels = { subject_kind: 'reconcile', result: 'gave_up' };
      await waitFor(
        async () => (await metricValue(registry, 'flotilla_bus_deliveries_total', labels)) === 1,
        'give-up',
      );
      expect(
        await metricValue(registry, 'flotilla_bus_deliveries_total', { ...labels, result: 'retried' }),
      ).toBe(2);
      // Longer than the retry delay: a further redelivery would have happened by now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('does not redeliver to a live subscriber whose handler failed', async () => {
      const registry = new Registry();
      const bus = await open({ registry });
      const calls: string[] = [];
      await bus.subscribe({ type: 'reconcile' }, (message) => {
        calls.push(message.data.name);
        if (message.data.name === 'fails') throw new Error('boom');
      });
      await requestAll(bus, 'ns', ['fails', 'sentinel']);
      await waitFor(() => calls.includes('sentinel'), 'the sentinel');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(calls).toEqual(['fails', 'sentinel']);
      const failed = { subject_kind: 'reconcile', result: 'failed' };
      expect(await metricValue(registry, 'flotilla_bus_deliveries_total', failed)).toBe(1);
    });

    it('de-duplicates messages by CloudEvent id', async () => {
      const registry = new Registry();
      const bus = await open({ registry });
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'event' }, handler, { durable: 'dedupe' });
      const message = createReconcileEvent(fluxEvent(), { source: '/test', id: 'event-1' });
      expect((await bus.publish(message)).status).toBe('published');
      expect((await bus.publish(message)).status).toBe('duplicate');
      const request = { kind: KS, namespace: 'ns', name: 'app', requestedAt: '2024-05-01T10:00:00Z' };
      expect((await bus.requestReconcile(request)).status).toBe('published');
      expect((await bus.requestReconcile(request)).status).toBe('duplicate');
      await bus.publishEvent(fluxEvent({ name: 'sentinel' }));
      await waitFor(() => received.length === 2, 'the sentinel');
      expect(names(received)).toEqual(['podinfo', 'sentinel']);
      const duplicates = { subject_kind: 'event', result: 'duplicate' };
      expect(await metricValue(registry, 'flotilla_bus_published_total', duplicates)).toBe(1);
    });

    it('runs up to `concurrency` handlers at once', async () => {
      const bus = await open();
      let running = 0;
      let peak = 0;
      const release = gate();
      let done = 0;
      await bus.subscribe(
        { type: 'reconcile' },
        async () => {
          running++;
          peak = Math.max(peak, running);
          await release.promise;
          running--;
          done++;
        },
        { durable: 'parallel', concurrency: 3 },
      );
      await requestAll(bus, 'ns', ['a', 'b', 'c', 'd', 'e']);
      await waitFor(() => running === 3, 'three running handlers');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(running).toBe(3);
      release.open();
      await waitFor(() => done === 5, 'all handlers');
      expect(peak).toBe(3);
    });

    it('hands a message back when a subscription closes before its handler finishes', async () => {
      const bus = await open();
      const stuck = gate();
      const firstAttempts: number[] = [];
      const sub = await bus.subscribe(
        { type: 'reconcile' },
        async (_message, delivery) => {
          firstAttempts.push(delivery.attempt);
          await stuck.promise;
        },
        { durable: 'handback', drainTimeoutMs: 50 },
      );
      await requestAll(bus, 'ns', ['slow']);
      await waitFor(() => firstAttempts.length === 1, 'the first delivery');
      await sub.close();
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'handback' });
      // JetStream may count a handed-back delivery afresh, so the attempt number is not asserted.
      await waitFor(() => received.length === 1, 'the handed-back message');
      expect(names(received)).toEqual(['slow']);
      stuck.open();
    });

    it('waits for running handlers when a subscription closes', async () => {
      const bus = await open();
      const slow = gate();
      let finished = false;
      let started = false;
      const sub = await bus.subscribe(
        { type: 'reconcile' },
        async () => {
          started = true;
          await slow.promise;
          finished = true;
        },
        { durable: 'drain' },
      );
      await requestAll(bus, 'ns', ['x']);
      await waitFor(() => started, 'the handler');
      const closing = sub.close();
      setTimeout(slow.open, 50);
      await closing;
      expect(finished).toBe(true);
    });

    it('rejects invalid messages and subscriptions with typed errors', async () => {
      const bus = await open();
      const noNamespace = fluxEvent();
      delete noNamespace.involvedObject.namespace;
      await expect(bus.publishEvent(noNamespace)).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
      const wrongType = { ...createReconcileEvent(fluxEvent(), { source: '/t' }), type: 'com.example.other' };
      await expect(bus.publish(wrongType as unknown as BusMessage)).rejects.toBeInstanceOf(BusError);
      await expect(
        bus.subscribe({ type: 'reconcile' }, () => {}, { durable: 'has.dot' }),
      ).rejects.toMatchObject({
        code: 'INVALID_DURABLE_NAME',
      });
      await expect(bus.subscribe({ type: 'reconcile' }, () => {}, { concurrency: 0 })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
      });
      await bus.subscribe({ type: 'reconcile', kind: KS }, () => {}, { durable: 'taken' });
      await expect(
        bus.subscribe({ type: 'reconcile', kind: 'HelmRelease' }, () => {}, { durable: 'taken' }),
      ).rejects.toMatchObject({ code: 'DURABLE_CONFLICT' });
    });

    it('bounds what a durable keeps by the retention limit, dropping the oldest', async () => {
      const bus = await open({ config: { streamMaxBytes: 16 * 1024 } });
      const sub = await bus.subscribe({ type: 'event' }, () => {}, { durable: 'bounded' });
      await sub.close();
      const padding = 'x'.repeat(900);
      for (let i = 0; i < 60; i++) await bus.publishEvent(fluxEvent({ name: `m${i}`, message: padding }));
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'event' }, handler, { durable: 'bounded' });
      await waitFor(() => names(received).includes('m59'), 'the newest message');
      expect(received.length).toBeLessThan(30);
      expect(names(received)).not.toContain('m0');
    });

    it('counts published messages and refuses work once closed', async () => {
      const registry = new Registry();
      const bus = await open({ registry });
      await bus.announceArtifact(artifact());
      const labels = { subject_kind: 'artifact', result: 'published' };
      expect(await metricValue(registry, 'flotilla_bus_published_total', labels)).toBe(1);
      expect(bus.connectionState()).toBe('connected');
      await bus.close();
      expect(bus.connectionState()).toBe('closed');
      await expect(bus.announceArtifact(artifact())).rejects.toMatchObject({ code: 'BUS_CLOSED' });
      await expect(bus.subscribe({ type: 'artifact' }, () => {})).rejects.toMatchObject({
        code: 'BUS_CLOSED',
      });
    });

    it('hands each subscriber its own copy of the message', async () => {
      const bus = await open();
      const copies: Subscription[] = [];
      const seen: string[] = [];
      for (let i = 0; i < 2; i++) {
        copies.push(
          await bus.subscribe({ type: 'reconcile' }, (message) => {
            seen.push(message.data.name);
            message.data.name = 'mutated';
          }),
        );
      }
      await requestAll(bus, 'ns', ['original']);
      await waitFor(() => seen.length === 2, 'both deliveries');
      expect(seen).toEqual(['original', 'original']);
    });
  });
}
