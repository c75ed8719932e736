// The client against the API-server double (or a real cluster through FLOTILLA_TEST_KUBECONFIG).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { startKubeApi } from '@flotilla/testing';
import { runtimeMetrics } from '../metrics/runtime-metrics.js';
import {
  CONFIG_MAPS,
  gitRepository,
  GIT_REPOSITORY,
  onRealCluster,
  startKubeFixture,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import { KubeClient } from './client.js';
import { isConflict, isNotFound, KubeStatusError, KubeTransportError } from './errors.js';
import type { ApiObject } from './resource.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('KubeClient', () => {
  let kube: KubeFixture;
  let client: KubeClient;
  beforeAll(async () => {
    kube = await startKubeFixture();
    client = kube.client();
  });
  afterAll(async () => kube.close());

  it('creates, reads, patches, lists and deletes, with typed Status errors', async () => {
    const ns = await kube.namespace();
    const created = await client.create(CONFIG_MAPS, {
      metadata: { name: 'a', namespace: ns },
      data: { k: '1' },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'flotilla' });
    const patched = await client.patch<ApiObject & { data: Record<string, string> }>(
      CONFIG_MAPS,
      { namespace: ns, name: 'a' },
      { data: { k: '2' } },
    );
    expect(patched.data).toEqual({ k: '2' });
    const stale = await rejection(
      client.patch(
        CONFIG_MAPS,
        { namespace: ns, name: 'a' },
        { metadata: { resourceVersion: created.metadata?.resourceVersion } },
      ),
    );
    expect(isConflict(stale)).toBe(true);
    expect((stale as KubeStatusError).reason).toBe('Conflict');
    await client.create(CONFIG_MAPS, { metadata: { name: 'b', namespace: ns } });
    const list = await client.list(CONFIG_MAPS, { namespace: ns, limit: 1 });
    expect(list.items.map((i) => i.metadata?.name).sort()).toEqual(['a', 'b']);
    expect(list.items.every((i) => i.kind === 'ConfigMap' && i.apiVersion === 'v1')).toBe(true);
    expect(list.resourceVersion).toMatch(/^\d+$/);
    await client.delete(CONFIG_MAPS, { namespace: ns, name: 'a' });
    const missing = await rejection(client.get(CONFIG_MAPS, ns, 'a'));
    expect(isNotFound(missing)).toBe(true);
    expect(missing).toBeInstanceOf(KubeStatusError);
    expect((missing as KubeStatusError).code).toBe('KUBE_STATUS_ERROR');
  });

  it('finds kinds by discovery, including Flux CRDs', async () => {
    expect(await client.resolve('source.toolkit.fluxcd.io/v1', 'GitRepository')).toEqual(GIT_REPOSITORY);
    expect(await client.resolve('v1', 'ConfigMap')).toEqual(CONFIG_MAPS);
    const error = await rejection(client.resolve('v1', 'NoSuchKind'));
    expect(isNotFound(error)).toBe(true);
  });

  it('merge-patches the status subresource of a custom resource', async () => {
    const ns = await kube.namespace();
    await client.create(GIT_REPOSITORY, gitRepository(ns, 'repo'));
    const stored = await client.patch<ApiObject & { status: { observedGeneration: number } }>(
      GIT_REPOSITORY,
      { namespace: ns, name: 'repo' },
      { status: { observedGeneration: 1 } },
      { subresource: 'status' },
    );
    expect(stored.status.observedGeneration).toBe(1);
    expect(stored.metadata?.generation).toBe(1);
  });

  it.skipIf(onRealCluster)('retries 429 answers after Retry-After and counts requests per code', async () => {
    const server = kube.server!;
    const registry = new Registry();
    const metrics = runtimeMetrics(registry);
    const counted = kube.client({ metrics });
    const fault = server.faults.add({
      path: '/api/v1/namespaces/default/configmaps',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const list = await counted.list(CONFIG_MAPS, { namespace: 'default' });
    expect(list.items).toBeDefined();
    expect(fault.hits).toBe(1);
    const text = await registry.metrics();
    const host = new URL(server.url).host;
    expect(text).toContain(`rest_client_requests_total{code="429",host="${host}",method="GET"} 1`);
    expect(text).toContain(`rest_client_requests_total{code="200",host="${host}",method="GET"} 1`);
    const failing = server.faults.add({
      path: '/api/v1/namespaces/default/configmaps',
      status: 500,
      times: 1,
    });
    const error = await rejection(counted.list(CONFIG_MAPS, { namespace: 'default' }));
    expect((error as KubeStatusError).status).toBe(500);
    expect(failing.hits).toBe(1);
  });

  it.skipIf(onRealCluster)('impersonates users, as kubeconfig user.as and per client', async () => {
    const rbac = await startKubeApi({ authorization: 'RBAC' });
    try {
      const admin = KubeClient.create({ source: { text: rbac.kubeconfig() } });
      expect((await admin.list(CONFIG_MAPS, { namespace: 'default' })).items).toEqual([]);
      const tenant = admin.forServiceAccount('team-a', 'deployer');
      expect(tenant.impersonation).toEqual({ user: 'system:serviceaccount:team-a:deployer' });
      const denied = await rejection(tenant.list(CONFIG_MAPS, { namespace: 'default' }));
      expect((denied as KubeStatusError).status).toBe(403);
      expect((denied as KubeStatusError).reason).toBe('Forbidden');
      const viaKubeconfig = KubeClient.create({ source: { text: rbac.kubeconfig({ as: 'alice' }) } });
      expect(
        ((await rejection(viaKubeconfig.get(CONFIG_MAPS, 'default', 'x'))) as KubeStatusError).status,
      ).toBe(403);
      admin.close();
      viaKubeconfig.close();
    } finally {
      await rbac.close();
    }
  });

  it('spends its QPS budget: requests beyond the burst wait for tokens', async () => {
    const registry = new Registry();
    const limited = kube.client({ qps: 20, burst: 2, metrics: runtimeMetrics(registry) });
    await Promise.all(Array.from({ length: 4 }, () => limited.list(CONFIG_MAPS, { namespace: 'default' })));
    const text = await registry.metrics();
    const count = /rest_client_rate_limiter_duration_seconds_count\{verb="GET",host="[^"]+"\} (\d+)/.exec(
      text,
    );
    expect(count?.[1]).toBe('4');
    // Two requests had to wait (50 ms and 100 ms at 20 qps): the sum is the computed delays.
    const sum = /rest_client_rate_limiter_duration_seconds_sum\{verb="GET",host="[^"]+"\} ([\d.]+)/.exec(
      text,
    );
    expect(Number(sum?.[1])).toBeCloseTo(0.15, 2);
  });

  it('reports connection failures as KubeTransportError', async () => {
    const nowhere = KubeClient.create({
      source: {
        text: (await import('@flotilla/testing')).renderKubeconfig({
          server: 'http://127.0.0.1:1',
          token: 'x',
        }),
      },
    });
    const error = await rejection(nowhere.get(CONFIG_MAPS, 'default', 'x'));
    expect(error).toBeInstanceOf(KubeTransportError);
    expect((error as KubeTransportError).code).toBe('KUBE_TRANSPORT_ERROR');
  });
});
