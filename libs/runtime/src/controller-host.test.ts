import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir, startNatsServer, type RunningNatsServer } from '@flotilla/testing';
import { ConfigError } from '@flotilla/config';
import { startControllerHost, type ControllerContext, type ControllerHost } from './controller-host.js';

const quiet = { write: () => undefined };
const ports = ['--health-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0'];

describe('startControllerHost', () => {
  let dir: string;
  let host: ControllerHost | undefined;
  beforeAll(async () => {
    dir = await makeTempDir('host');
  });
  afterEach(async () => {
    await host?.lifecycle.shutdown('test');
    host = undefined;
  });
  afterAll(async () => removeDir(dir));

  it('runs controllers on embedded defaults: in-process bus, filesystem store, health and metrics', async () => {
    const started: ControllerContext[] = [];
    host = await startControllerHost(
      [
        { name: 'source-controller', start: (context) => void started.push(context) },
        { name: 'helm-controller' },
      ],
      { argv: ports, env: { FLOTILLA_ARTIFACTS_DIR: `${dir}/artifacts` }, logDestination: quiet },
    );
    expect(started.map((c) => c.name)).toEqual(['source-controller']);
    expect(host.artifacts.backend).toBe('fs');
    expect(host.bus.connectionState()).toBe('connected');
    expect(await (await fetch(`${host.health.healthUrl}/healthz`)).text()).toBe('ok');
    expect((await fetch(`${host.health.healthUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${host.health.metricsUrl}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('delivers a controller event through the bus and stores an artifact', async () => {
    host = await startControllerHost([{ name: 'source-controller' }], {
      argv: ports,
      env: { FLOTILLA_ARTIFACTS_DIR: `${dir}/artifacts2` },
      logDestination: quiet,
    });
    const received: string[] = [];
    await host.bus.subscribe({ type: 'reconcile' }, (message) => void received.push(message.data.name));
    await host.bus.requestReconcile({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' });
    await expect.poll(() => received, { timeout: 5_000 }).toEqual(['podinfo']);
    const stored = await host.artifacts.put('gitrepository/flux-system/podinfo/abc.tar.gz', Buffer.from('x'));
    expect(stored.digest).toMatch(/^sha256:/);
  });

  it('connects to NATS when FLOTILLA_NATS_URL is set', async () => {
    let nats: RunningNatsServer | undefined;
    try {
      nats = await startNatsServer();
      host = await startControllerHost([{ name: 'notification-controller' }], {
        argv: ports,
        env: { FLOTILLA_NATS_URL: nats.url, FLOTILLA_ARTIFACTS_DIR: `${dir}/artifacts3` },
        logDestination: quiet,
      });
      const bus = host.bus;
      await expect.poll(() => bus.connectionState(), { timeout: 10_000 }).toBe('connected');
    } finally {
      await host?.lifecycle.shutdown('test');
      host = undefined;
      await nats?.stop();
    }
  });

  it('answers 503 on /readyz once shutdown begins, then closes everything', async () => {
    let release: () => void = () => undefined;
    host = await startControllerHost(
      [
        {
          name: 'kustomize-controller',
          start: (context) =>
            context.onShutdown('drain', () => new Promise<void>((resolve) => (release = resolve))),
        },
      ],
      { argv: ports, env: { FLOTILLA_ARTIFACTS_DIR: `${dir}/artifacts4` }, logDestination: quiet },
    );
    const url = host.health.healthUrl;
    const stopping = host.lifecycle.shutdown('SIGTERM');
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    release();
    expect(await stopping).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    host = undefined;
  });

  it('refuses bad configuration with every problem named', async () => {
    await expect(
      startControllerHost([{ name: 'source-controller' }], {
        argv: ['--log-level=loud', '--metrics-addr=nowhere'],
        env: {},
        logDestination: quiet,
      }),
    ).rejects.toSatisfy((error) => error instanceof ConfigError && error.problems.length === 2);
  });
});
