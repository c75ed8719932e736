import { startNatsServer, type RunningNatsServer } from '@flotilla/testing';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeys } from '@nats-io/transport-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BusConfigInput } from './config.js';
import type { EventBus } from './event-bus.js';
import type { ReconcileRequestMessage } from './messages.js';
import { createNatsBus, type NatsBusOptions } from './nats-bus.js';
import {
  capturingLogger,
  metricValue,
  recorder,
  silentLogger,
  type Received,
} from './test-support/fixtures.js';
import { gate, waitFor } from './test-support/wait.js';

const KS = 'Kustomization';
let isolation = 0;

/** Config for a bus with its own stream and subject prefix on the given server. */
function isolated(server: RunningNatsServer, overrides: BusConfigInput = {}): BusConfigInput {
  isolation++;
  return {
    servers: [server.url],
    streamName: `IT_${isolation}`,
    subjectPrefix: `it${isolation}`,
    streamMaxBytes: 1024 * 1024,
    reconnectWaitMs: 50,
    maxReconnectWaitMs: 400,
    retryDelayMs: 20,
    maxRetryDelayMs: 100,
    ...overrides,
  };
}

function names(received: Received[]): string[] {
  return received.map(({ message }) => (message as ReconcileRequestMessage).data.name);
}

function request(bus: EventBus, name: string) {
  return bus.requestReconcile({ kind: KS, namespace: 'ns', name, requestedAt: `t-${name}` });
}

describe('NATS bus', () => {
  let server: RunningNatsServer;
  const buses: EventBus[] = [];
  const open = async (config: BusConfigInput, options: NatsBusOptions = {}) => {
    const bus = await createNatsBus(config, { logger: silentLogger, connectTimeoutMs: 10_000, ...options });
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });
  afterAll(async () => server?.stop());

  it('resumes a durable consumer in a new bus instance with only unacked and new messages', async () => {
    const config = isolated(server);
    const publisher = await open(config);
    const first = await open(config);
    const seenByFirst: string[] = [];
    const neverFinishes = gate();
    await first.subscribe(
      { type: 'reconcile' },
      async (message) => {
        seenByFirst.push(message.data.name);
        if (message.data.name === 'm3') await neverFinishes.promise;
      },
      { durable: 'controller', drainTimeoutMs: 100 },
    );
    for (const name of ['m1', 'm2', 'm3']) await request(publisher, name);
    await waitFor(() => seenByFirst.length === 3, 'the first instance to take m1..m3');
    // "Process restart": the instance goes away with m3 still being handled.
    await first.close();
    for (const name of ['m4', 'm5']) await request(publisher, name);

    const second = await open(config);
    const { received, handler } = recorder();
    await second.subscribe({ type: 'reconcile' }, handler, { durable: 'controller' });
    await waitFor(() => received.length === 3, 'the unacked and new messages');
    await request(publisher, 'sentinel');
    await waitFor(() => names(received).includes('sentinel'), 'the sentinel');
    expect(names(received).sort()).toEqual(['m3', 'm4', 'm5', 'sentinel']);
    neverFinishes.open();
  });

  it('provisions the stream with the configured retention, idempotently, and updates drifted limits', async () => {
    const config = isolated(server, { streamMaxAgeMs: 3_600_000, streamMaxBytes: 2 * 1024 * 1024 });
    await Promise.all([open(config), open(config)]);
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(config.streamName as string);
      expect(info.config).toMatchObject({
        subjects: [`${config.subjectPrefix}.>`],
        max_age: 3_600_000 * 1e6,
        max_bytes: 2 * 1024 * 1024,
        duplicate_window: 120_000 * 1e6,
        num_replicas: 1,
        discard: 'old',
        retention: 'limits',
        storage: 'file',
      });
      await open({ ...config, streamMaxAgeMs: 7_200_000 });
      expect((await jsm.streams.info(config.streamName as string)).config.max_age).toBe(7_200_000 * 1e6);
    } finally {
      await nc.close();
    }
  });

  it('fails fast with PROVISIONING_FAILED when JetStream refuses the stream', async () => {
    // The test server's file store is 1G: a 100G stream cannot be reserved.
    await expect(
      createNatsBus(isolated(server, { streamMaxBytes: 100 * 2 ** 30 }), { logger: silentLogger }),
    ).rejects.toMatchObject({ code: 'PROVISIONING_FAILED', message: expect.stringMatching(/insufficient/i) });
  });

  it('discards messages that are not flotilla CloudEvents and keeps consuming', async () => {
    const registry = new Registry();
    const config = isolated(server);
    const bus = await open(config, { registry });
    const { received, handler } = recorder();
    await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'strict' });
    const nc = await connect({ servers: server.url });
    try {
      await jetstream(nc).publish(`${config.subjectPrefix}.reconcile.${KS}.ns.garbage`, 'not json');
    } finally {
      await nc.close();
    }
    await request(bus, 'sentinel');
    await waitFor(() => received.length === 1, 'the sentinel');
    expect(names(received)).toEqual(['sentinel']);
    const invalid = { subject_kind: 'reconcile', result: 'invalid' };
    expect(await metricValue(registry, 'flotilla_bus_deliveries_total', invalid)).toBe(1);
  });

  it('keeps the message of a long-running handler from being redelivered after the ack wait', async () => {
    const bus = await open(isolated(server, { ackWaitMs: 500 }));
    const attempts: number[] = [];
    let done = false;
    await bus.subscribe(
      { type: 'reconcile' },
      async (message, delivery) => {
        attempts.push(delivery.attempt);
        if (message.data.name !== 'slow') return;
        // Three ack waits: without in-progress signals the server would redeliver meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        done = true;
      },
      { durable: 'long-reconcile', concurrency: 2 },
    );
    await request(bus, 'slow');
    await waitFor(() => done, 'the slow handler');
    await request(bus, 'sentinel');
    await waitFor(() => attempts.length === 2, 'the sentinel');
    expect(attempts).toEqual([1, 1]);
  });

  it('re-provisions a stream deleted under a running bus', async () => {
    const config = isolated(server);
    const bus = await open(config);
    const { received, handler } = recorder();
    await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'survivor' });
    const nc = await connect({ servers: server.url });
    try {
      await (await jetstreamManager(nc)).streams.delete(config.streamName as string);
    } finally {
      await nc.close();
    }
    await request(bus, 'after-delete');
    await waitFor(() => received.length === 1, 'delivery through the re-created stream and consumer', 15_000);
    expect(names(received)).toEqual(['after-delete']);
  });
});

describe('NATS bus authentication', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-bus-auth-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function roundTrip(config: BusConfigInput) {
    const bus = await createNatsBus(config, { logger: silentLogger });
    try {
      const { received, handler } = recorder();
      await bus.subscribe({ type: 'reconcile' }, handler);
      await request(bus, 'hello');
      await waitFor(() => received.length === 1, 'the message');
    } finally {
      await bus.close();
    }
  }

  it('authenticates with user and password and reports refused credentials', async () => {
    const server = await startNatsServer({ user: 'flotilla', password: 'right' });
    try {
      await roundTrip(isolated(server, { user: 'flotilla', password: 'right' }));
      await expect(
        createNatsBus(isolated(server, { user: 'flotilla', password: 'wrong' }), { logger: silentLogger }),
      ).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    } finally {
      await server.stop();
    }
  });

  it('authenticates with a token', async () => {
    const server = await startNatsServer({ token: 's3cret-token' });
    try {
      await roundTrip(isolated(server, { token: 's3cret-token' }));
      await expect(createNatsBus(isolated(server), { logger: silentLogger })).rejects.toMatchObject({
        code: 'AUTHENTICATION_FAILED',
      });
    } finally {
      await server.stop();
    }
  });

  it('authenticates with an NKey seed file', async () => {
    const user = nkeys.createUser();
    const seedFile = join(dir, 'user.nk');
    await writeFile(seedFile, new TextDecoder().decode(user.getSeed()) + '\n');
    const stranger = nkeys.createUser();
    const strangerFile = join(dir, 'stranger.nk');
    await writeFile(strangerFile, new TextDecoder().decode(stranger.getSeed()));
    const server = await startNatsServer({ nkeys: [user.getPublicKey()] });
    try {
      await roundTrip(isolated(server, { nkeySeedFile: seedFile }));
      await expect(
        createNatsBus(isolated(server, { nkeySeedFile: strangerFile }), { logger: silentLogger }),
      ).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    } finally {
      await server.stop();
    }
  });
});

describe('NATS bus during an outage', () => {
  let server: RunningNatsServer;
  let down = false;
  const buses: EventBus[] = [];
  const stopServer = async () => {
    await server.kill();
    down = true;
  };
  const startServer = async () => {
    await server.start();
    down = false;
  };
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    if (down) await startServer();
  });
  afterAll(async () => server?.stop());

  const open = async (config: BusConfigInput, options: NatsBusOptions = {}) => {
    const bus = await createNatsBus(config, { logger: silentLogger, connectTimeoutMs: 10_000, ...options });
    buses.push(bus);
    return bus;
  };

  it('buffers publishes while NATS is down and delivers them after it restarts', async () => {
    const registry = new Registry();
    const { logger, lines } = capturingLogger();
    const bus = await open(isolated(server), { registry, logger });
    const durable = recorder();
    const live = recorder();
    await bus.subscribe({ type: 'reconcile' }, durable.handler, { durable: 'outage' });
    await bus.subscribe({ type: 'reconcile' }, live.handler);
    await request(bus, 'before');
    await waitFor(() => durable.received.length === 1 && live.received.length === 1, 'the first message');

    await stopServer();
    await waitFor(() => bus.connectionState() === 'reconnecting', 'the bus to notice the outage');
    const publishing = Date.now();
    const outcomes = [await request(bus, 'during-1'), await request(bus, 'during-2')];
    // The documented bound is publishTimeoutMs (5 s); during a known outage it answers at once.
    expect(Date.now() - publishing).toBeLessThan(5_000);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['buffered', 'buffered']);
    expect(await metricValue(registry, 'flotilla_bus_publish_buffer_messages')).toBe(2);
    expect(await metricValue(registry, 'flotilla_bus_connection_state', { state: 'reconnecting' })).toBe(1);

    await startServer();
    await waitFor(
      () => durable.received.length === 3 && live.received.length === 3,
      'the buffered messages',
      15_000,
    );
    expect(names(durable.received)).toEqual(['before', 'during-1', 'during-2']);
    expect(names(live.received)).toEqual(['before', 'during-1', 'during-2']);
    expect(bus.connectionState()).toBe('connected');
    expect(await metricValue(registry, 'flotilla_bus_publish_buffer_messages')).toBe(0);
    expect(await metricValue(registry, 'flotilla_bus_reconnects_total')).toBe(1);
    expect(await metricValue(registry, 'flotilla_bus_connection_state', { state: 'connected' })).toBe(1);
    const buffered = { subject_kind: 'reconcile', result: 'buffered' };
    expect(await metricValue(registry, 'flotilla_bus_published_total', buffered)).toBe(2);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain('disconnected from NATS; reconnecting');
    expect(messages).toContain('reconnected to NATS');
  });

  it('drops the oldest buffered messages beyond the buffer size, with a metric and a log line', async () => {
    const registry = new Registry();
    const { logger, lines } = capturingLogger();
    const bus = await open(isolated(server, { publishBufferSize: 3 }), { registry, logger });
    const { received, handler } = recorder();
    await bus.subscribe({ type: 'reconcile' }, handler, { durable: 'overflow' });

    await stopServer();
    await waitFor(() => bus.connectionState() === 'reconnecting', 'the bus to notice the outage');
    const outcomes = [];
    for (const name of ['d1', 'd2', 'd3', 'd4', 'd5']) outcomes.push(await request(bus, name));
    const dropped = { subject_kind: 'reconcile', reason: 'buffer_full' };
    expect(await metricValue(registry, 'flotilla_bus_dropped_total', dropped)).toBe(2);
    expect(await metricValue(registry, 'flotilla_bus_publish_buffer_messages')).toBe(3);
    const dropLines = lines.filter((line) => line.msg === 'bus dropped a message');
    expect(dropLines.map((line) => line.id)).toEqual([outcomes[0]?.id, outcomes[1]?.id]);
    expect(dropLines[0]).toMatchObject({ reason: 'buffer_full', level: 40 });

    await startServer();
    await waitFor(() => received.length === 3, 'the surviving messages', 15_000);
    await request(bus, 'sentinel');
    await waitFor(() => received.length === 4, 'the sentinel');
    expect(names(received)).toEqual(['d3', 'd4', 'd5', 'sentinel']);
  });

  it('starts while NATS is down when asked not to wait, and catches up once it is up', async () => {
    const config = isolated(server);
    await stopServer();
    const bus = await open(config, { waitForConnection: false });
    expect(bus.connectionState()).toBe('connecting');
    const outcome = await request(bus, 'early');
    expect(outcome.status).toBe('buffered');
    const { received, handler } = recorder();
    const subscribing = bus.subscribe({ type: 'reconcile' }, handler, { durable: 'late-start' });
    await startServer();
    await subscribing;
    await waitFor(() => received.length === 1, 'the message buffered before the first connection', 15_000);
    expect(names(received)).toEqual(['early']);
  });

  it('closes promptly during an outage, counting unsent messages as dropped', async () => {
    const registry = new Registry();
    const bus = await createNatsBus(isolated(server), { logger: silentLogger, registry });
    await stopServer();
    await waitFor(() => bus.connectionState() === 'reconnecting', 'the bus to notice the outage');
    await request(bus, 'unsent');
    await bus.close();
    expect(bus.connectionState()).toBe('closed');
    const closed = { subject_kind: 'reconcile', reason: 'closed' };
    expect(await metricValue(registry, 'flotilla_bus_dropped_total', closed)).toBe(1);
    expect(await metricValue(registry, 'flotilla_bus_publish_buffer_messages')).toBe(0);
  });

  it('gives up waiting for the first connection after connectTimeoutMs', async () => {
    await stopServer();
    await expect(
      createNatsBus(isolated(server), { logger: silentLogger, connectTimeoutMs: 300 }),
    ).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
  });
});
