// The double through @kubernetes/client-node 1.x, as controllers use it: typed APIs, the generic
// KubernetesObjectApi (discovery-driven), server-side apply, status patches and informers.
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApiServer } from './server.js';
import { deployment, widget, widgetCrd } from './test-support/fixtures.js';
import { eventually, uniqueName } from './test-support/raw-client.js';

let server: KubeApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
beforeAll(async () => {
  server = await startKubeApi({ crds: [widgetCrd()] });
  kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await server.close();
});

async function namespace(): Promise<string> {
  const name = uniqueName('cn');
  await core.createNamespace({ body: { metadata: { name } } });
  return name;
}

async function apiError(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<string>;
    throw error;
  }
  throw new Error('expected an ApiException');
}

describe('@kubernetes/client-node', () => {
  it('typed CRUD with ApiException codes and Status bodies', async () => {
    const ns = await namespace();
    const created = await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toBeTruthy();
    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'c' });
    expect(read.data).toEqual({ a: '1' });
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: '' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['c']);
    const replaced = await core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'c',
      body: { ...read, data: { a: '2' } },
    });
    expect(replaced.data).toEqual({ a: '2' });
    const stale = await apiError(
      core.replaceNamespacedConfigMap({ namespace: ns, name: 'c', body: { ...read, data: { a: '3' } } }),
    );
    expect(stale.code).toBe(409);
    expect(JSON.parse(stale.body).reason).toBe('Conflict');
    const missing = await apiError(core.readNamespacedConfigMap({ namespace: ns, name: 'nope' }));
    expect(missing.code).toBe(404);
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'c' });
    expect((await apiError(core.readNamespacedConfigMap({ namespace: ns, name: 'c' }))).code).toBe(404);
  });

  it('merge-patches status through header middleware (the kstatus Deployment recipe)', async () => {
    const ns = await namespace();
    const apps = kc.makeApiClient(AppsV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web') as never,
    });
    const patched = await apps.patchNamespacedDeploymentStatus(
      {
        namespace: ns,
        name: 'web',
        body: {
          status: {
            observedGeneration: created.metadata?.generation,
            replicas: 1,
            updatedReplicas: 1,
            readyReplicas: 1,
            availableReplicas: 1,
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.status?.readyReplicas).toBe(1);
    expect(patched.metadata?.generation).toBe(1);
  });

  it('KubernetesObjectApi finds CRD kinds by discovery and server-side applies them', async () => {
    const ns = await namespace();
    const client = KubernetesObjectApi.makeApiClient(kc);
    const spec = { ...widget('w', { size: 2 }), metadata: { name: 'w', namespace: ns } } as KubernetesObject;
    const applied = await client.patch(
      spec,
      undefined,
      undefined,
      'flotilla',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((applied as { spec: { size: number; color: string } }).spec).toMatchObject({
      size: 2,
      color: 'red',
    });
    const read = await client.read({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
    });
    expect(read.metadata?.managedFields?.map((m) => m.manager)).toEqual(['flotilla']);
    const smp = await apiError(client.patch({ ...spec, spec: { size: 3 } } as KubernetesObject));
    expect(smp.code).toBe(415);
    const cm = await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: ns },
      data: { a: 'b' },
    } as V1ConfigMap);
    expect(cm.metadata?.managedFields?.[0]?.manager).toBe('node-fetch');
    const listed = await client.list('v1', 'ConfigMap', ns);
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['x']);
    await client.delete({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: ns },
    });
    expect(
      (
        await apiError(
          client.read({
            apiVersion: 'example.com/v1',
            kind: 'Widget',
            metadata: { name: 'w', namespace: ns },
          }),
        )
      ).code,
    ).toBe(404);
  });

  it('an informer lists, watches, and survives compaction (410) by relisting', async () => {
    const ns = await namespace();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before' } } });
    let lists = 0;
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: ns });
    });
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (obj) => added.push(obj.metadata?.name ?? ''));
    informer.on('error', (error) => errors.push(error));
    await informer.start();
    try {
      await eventually(() => added.includes('before'), 3000, 'initial list');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'live' } } });
      await eventually(() => added.includes('live'), 3000, 'watch event');
      expect(lists).toBe(1);
      // The rewatch is held back while a change happens and history is compacted, so it resumes
      // from a resourceVersion that is gone: ERROR 410, end of stream, relist.
      const slow = server.faults.add({
        path: `/api/v1/namespaces/${ns}/configmaps`,
        watch: true,
        latencyMs: 200,
        times: 1,
      });
      server.dropWatches(`/api/v1/namespaces/${ns}/configmaps`);
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'during-outage' } } });
      server.compactHistory();
      await eventually(() => lists === 2, 5000, 'relist after 410');
      expect(slow.hits).toBe(1);
      await eventually(() => added.includes('during-outage'), 3000, 'object from the relist');
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after' } } });
      await eventually(() => added.includes('after'), 5000, 'event after relist');
      expect(
        informer
          .list()
          .map((o) => o.metadata?.name)
          .sort(),
      ).toEqual(['after', 'before', 'during-outage', 'live']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('impersonates the kubeconfig user (user.as)', async () => {
    const ns = await namespace();
    const rbac = await startKubeApi({ authorization: 'RBAC' });
    try {
      const tenant = new KubeConfig();
      tenant.loadFromString(rbac.kubeconfig({ as: `system:serviceaccount:${ns}:nobody` }));
      const error = await apiError(
        tenant.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' }),
      );
      expect(error.code).toBe(403);
    } finally {
      await rbac.close();
    }
  });
});
