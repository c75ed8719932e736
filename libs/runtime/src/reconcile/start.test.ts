// A reconciler inside the controller host: flags, the context's Kubernetes client, readiness,
// and SIGTERM draining the in-flight reconcile before the process exits.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir, removeDir } from '@flotilla/testing';
import { startControllerHost, type ControllerHost } from '../controller-host.js';
import { KubeConfigError } from '../kube/errors.js';
import {
  gitRepository,
  GIT_REPOSITORY,
  startKubeFixture,
  waitFor,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import { sampleDefinition, storeArtifact, type SampleBehaviour } from '../test-support/sample-reconciler.js';
import type { Controller } from './controller.js';
import { startReconciler } from './start.js';
import type { GitRepositoryObject } from '../test-support/kube-fixture.js';

const quiet = { write: () => undefined };

describe('startReconciler in a controller host', () => {
  let kube: KubeFixture;
  let dir: string;
  let kubeconfigPath: string;
  beforeAll(async () => {
    kube = await startKubeFixture();
    dir = await makeTempDir('reconciler-host');
    kubeconfigPath = join(dir, 'kubeconfig');
    await writeFile(kubeconfigPath, kube.kubeconfig, { mode: 0o600 });
  });
  afterAll(async () => {
    await kube.close();
    await removeDir(dir);
  });

  async function startHost(
    behaviour: SampleBehaviour,
    ns: string,
    extraArgs: string[] = [],
  ): Promise<{ host: ControllerHost; controller: () => Controller<GitRepositoryObject> | undefined }> {
    let controller: Controller<GitRepositoryObject> | undefined;
    const host = await startControllerHost(
      [
        {
          name: 'source-controller',
          start: async (context) => {
            controller = await startReconciler(context, sampleDefinition(behaviour));
          },
        },
      ],
      {
        argv: [
          '--health-addr=127.0.0.1:0',
          '--metrics-addr=127.0.0.1:0',
          `--kubeconfig=${kubeconfigPath}`,
          '--watch-all-namespaces=false',
          '--concurrent=2',
          '--graceful-shutdown-timeout=30s',
          ...extraArgs,
        ],
        env: { FLOTILLA_ARTIFACTS_DIR: join(dir, ns), RUNTIME_NAMESPACE: ns },
        logDestination: quiet,
      },
    );
    return { host, controller: () => controller };
  }

  it('runs with the host flags and the context client (field manager source-controller)', async () => {
    const ns = await kube.namespace();
    const behaviour: SampleBehaviour = { fetched: [] };
    const { host, controller } = await startHost(behaviour, ns, [
      '--requeue-dependency=7s',
      '--interval-jitter-percentage=0',
    ]);
    try {
      expect(controller()?.settings).toMatchObject({
        concurrent: 2,
        requeueDependencyMs: 7_000,
        intervalJitterPercentage: 0,
        watchNamespace: ns,
        gracefulShutdownTimeoutMs: 30_000,
      });
      expect((await fetch(`${host.health.healthUrl}/readyz`)).status).toBe(200);
      const client = kube.client();
      await client.create(GIT_REPOSITORY, gitRepository(ns, 'hosted'));
      await waitFor(
        () => client.get<GitRepositoryObject>(GIT_REPOSITORY, ns, 'hosted'),
        (o) => o.status?.observedGeneration === 1,
        'Ready',
      );
      const stored = await client.get<GitRepositoryObject>(GIT_REPOSITORY, ns, 'hosted');
      const managers = (stored.metadata?.managedFields ?? []).map((m) => m.manager);
      expect(managers).toContain('source-controller');
      const metrics = await (await fetch(`${host.health.metricsUrl}/metrics`)).text();
      expect(metrics).toContain('controller_runtime_max_concurrent_reconciles{controller="gitrepository"} 2');
      expect(metrics).toContain(
        `gotk_reconcile_duration_seconds_count{kind="GitRepository",name="hosted",namespace="${ns}"} 1`,
      );
    } finally {
      await host.lifecycle.shutdown('test');
    }
  });

  it('on SIGTERM stops being ready, drains the in-flight reconcile, then exits 0', async () => {
    const ns = await kube.namespace();
    let release: () => void = () => undefined;
    const behaviour: SampleBehaviour = {
      fetched: [],
      fetch: async (scope) => {
        await new Promise<void>((resolve) => (release = resolve));
        await storeArtifact(scope);
      },
    };
    const { host } = await startHost(behaviour, ns);
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const before = new Set(process.listeners('SIGTERM'));
    host.lifecycle.exitOnSignals(['SIGTERM']);
    const [onSigterm] = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
    try {
      const client = kube.client();
      await client.create(GIT_REPOSITORY, gitRepository(ns, 'in-flight'));
      await waitFor(
        () => behaviour.fetched.length,
        (n) => n === 1,
        'the reconcile to start',
      );
      onSigterm?.('SIGTERM');
      expect((await fetch(`${host.health.healthUrl}/readyz`)).status).toBe(503);
      expect(exit).not.toHaveBeenCalled();
      release();
      await waitFor(
        () => exit.mock.calls.length,
        (n) => n === 1,
        'the process to exit',
      );
      expect(exit).toHaveBeenCalledWith(0);
      const stored = await client.get<GitRepositoryObject>(GIT_REPOSITORY, ns, 'in-flight');
      expect(stored.status?.observedGeneration).toBe(1);
      expect(host.lifecycle.isStopping).toBe(true);
    } finally {
      if (onSigterm) process.removeListener('SIGTERM', onSigterm);
      exit.mockRestore();
    }
  });

  it('fails to start with KubeConfigError when no cluster is configured', async () => {
    await expect(
      startControllerHost([{ name: 'source-controller', start: (context) => void context.kube }], {
        argv: ['--health-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0'],
        env: { FLOTILLA_ARTIFACTS_DIR: join(dir, 'none'), HOME: join(dir, 'no-home') },
        logDestination: quiet,
      }),
    ).rejects.toBeInstanceOf(KubeConfigError);
  });
});
