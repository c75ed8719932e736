import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { freePort } from '@flotilla/testing';
import { createMetricsRegistry, startHealthServer, type HealthServer } from './health.js';

describe('startHealthServer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => server?.close());

  it('serves healthz, readyz and metrics on separate ports', async () => {
    const registry = createMetricsRegistry({ controller: 'test' });
    new Counter({ name: 'flotilla_test_total', help: 'test', registers: [registry] }).inc();
    const [healthPort, metricsPort] = [await freePort(), await freePort()];
    server = await startHealthServer({
      healthAddr: `127.0.0.1:${healthPort}`,
      metricsAddr: `127.0.0.1:${metricsPort}`,
      registry,
    });
    expect(server.healthUrl).toBe(`http://127.0.0.1:${healthPort}`);
    expect(server.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}`);
    expect((await fetch(`${server.healthUrl}/metrics`)).status).toBe(404);
    expect(await (await fetch(`${server.healthUrl}/healthz`)).text()).toBe('ok');
    expect((await fetch(`${server.healthUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${server.metricsUrl}/metrics`)).text();
    expect(metrics).toContain('flotilla_test_total{controller="test"} 1');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('reports not ready with the failing check named, and recovers', async () => {
    let storeUp = false;
    server = await startHealthServer({
      healthAddr: '127.0.0.1:0',
      metricsAddr: '127.0.0.1:0',
      registry: createMetricsRegistry(),
    });
    server.addReadinessCheck('artifact-store', () => {
      if (!storeUp) throw new Error('bucket unreachable');
    });
    const notReady = await fetch(`${server.healthUrl}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toBe('artifact-store: bucket unreachable');
    storeUp = true;
    expect((await fetch(`${server.healthUrl}/readyz`)).status).toBe(200);
  });

  it('serves everything from one port when both addresses match', async () => {
    server = await startHealthServer({
      healthAddr: '127.0.0.1:0',
      metricsAddr: '127.0.0.1:0',
      registry: createMetricsRegistry(),
    });
    expect(server.healthUrl).toBe(server.metricsUrl);
    expect((await fetch(`${server.metricsUrl}/metrics`)).status).toBe(200);
    expect((await fetch(`${server.metricsUrl}/healthz`)).status).toBe(200);
  });
});
