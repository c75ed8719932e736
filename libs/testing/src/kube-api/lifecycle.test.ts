// Status subresource, generation, finalizers and garbage collection (kube-api.md §3; checklist 6, 7).
import { describe, expect, it } from 'vitest';
import { startKubeApi } from './server.js';
import { createNamespace, startFileKubeApi } from './test-support/file-server.js';
import { configMap, deployment, widget, widgetCrd } from './test-support/fixtures.js';
import { eventually, RawClient } from './test-support/raw-client.js';

const { raw } = await startFileKubeApi({
  crds: [widgetCrd(), widgetCrd({ group: 'plain.example.com', status: false })],
});

const namespace = () => createNamespace(raw, 'l');
const deploys = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`;
const widgets = (ns: string, group = 'example.com') => `/apis/${group}/v1/namespaces/${ns}/widgets`;
const MERGE = 'application/merge-patch+json';

describe('status subresource', () => {
  it('create drops status; main writes keep the stored status; /status writes change only status', async () => {
    const ns = await namespace();
    const created = await raw.post(deploys(ns), { ...deployment('web'), status: { replicas: 5 } });
    expect(created.body.status).toBeUndefined();
    const withStatus = await raw.put(`${deploys(ns)}/web/status`, {
      ...created.body,
      status: { replicas: 1, observedGeneration: 1 },
      spec: { ...created.body.spec, replicas: 7 },
    });
    expect(withStatus.status).toBe(200);
    expect(withStatus.body.status).toEqual({ replicas: 1, observedGeneration: 1 });
    expect(withStatus.body.spec.replicas).toBe(1);
    expect(withStatus.body.metadata.generation).toBe(1);
    const main = await raw.put(`${deploys(ns)}/web`, { ...withStatus.body, status: { replicas: 99 } });
    expect(main.body.status).toEqual({ replicas: 1, observedGeneration: 1 });
    const patched = await raw.patch(`${deploys(ns)}/web`, { status: { replicas: 42 } }, MERGE);
    expect(patched.body.status.replicas).toBe(1);
  });

  it('/status honours a supplied resourceVersion and never creates', async () => {
    const ns = await namespace();
    const created = (await raw.post(deploys(ns), deployment('rv'))).body;
    await raw.patch(`${deploys(ns)}/rv/status`, { status: { replicas: 1 } }, MERGE);
    const stale = await raw.put(`${deploys(ns)}/rv/status`, { ...created, status: { replicas: 2 } });
    expect(stale.status).toBe(409);
    expect((await raw.put(`${deploys(ns)}/none/status`, deployment('none'))).status).toBe(404);
    expect((await raw.patch(`${deploys(ns)}/none/status`, { status: {} }, MERGE)).status).toBe(404);
  });

  it('custom resources: status isolated with the subresource, an ordinary field without it (/status → 404)', async () => {
    const ns = await namespace();
    const created = (await raw.post(widgets(ns), { ...widget('a'), status: { phase: 'x' } })).body;
    expect(created.status).toBeUndefined();
    const status = await raw.patch(
      `${widgets(ns)}/a/status`,
      { status: { phase: 'Ready' }, metadata: { labels: { x: 'y' } } },
      MERGE,
    );
    expect(status.body.status).toEqual({ phase: 'Ready' });
    expect(status.body.metadata.labels).toBeUndefined();
    expect(status.body.metadata.generation).toBe(1);
    const plain = await raw.post(widgets(ns, 'plain.example.com'), {
      ...widget('b', { size: 1 }, 'plain.example.com'),
      status: { phase: 'kept' },
    });
    expect(plain.body.status).toEqual({ phase: 'kept' });
    expect((await raw.get(`${widgets(ns, 'plain.example.com')}/b/status`)).status).toBe(404);
  });
});

describe('generation', () => {
  it('Deployment: +1 on spec or annotation changes, not on labels or status', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/g`;
    await raw.post(deploys(ns), deployment('g'));
    expect(
      (await raw.patch(path, { metadata: { labels: { extra: 'x' } } }, MERGE)).body.metadata.generation,
    ).toBe(1);
    expect(
      (await raw.patch(`${path}/status`, { status: { replicas: 1 } }, MERGE)).body.metadata.generation,
    ).toBe(1);
    expect(
      (await raw.patch(path, { metadata: { annotations: { a: 'b' } } }, MERGE)).body.metadata.generation,
    ).toBe(2);
    expect((await raw.patch(path, { spec: { replicas: 3 } }, MERGE)).body.metadata.generation).toBe(3);
  });

  it('custom resources: +1 on non-metadata changes only; ConfigMaps do not track it', async () => {
    const ns = await namespace();
    const path = `${widgets(ns)}/g`;
    await raw.post(widgets(ns), widget('g'));
    expect(
      (await raw.patch(path, { metadata: { annotations: { a: 'b' } } }, MERGE)).body.metadata.generation,
    ).toBe(1);
    expect((await raw.patch(path, { spec: { size: 3 } }, MERGE)).body.metadata.generation).toBe(2);
    const plainPath = `${widgets(ns, 'plain.example.com')}/p`;
    await raw.post(widgets(ns, 'plain.example.com'), widget('p', { size: 1 }, 'plain.example.com'));
    expect((await raw.patch(plainPath, { status: { phase: 'x' } }, MERGE)).body.metadata.generation).toBe(2);
    const cm = await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('c'));
    expect(cm.body.metadata.generation).toBeUndefined();
  });
});

describe('finalizers', () => {
  it('DELETE with finalizers marks the object (MODIFIED); repeat is unchanged; the last removal DELETEs it', async () => {
    const ns = await namespace();
    const path = `${widgets(ns)}/f`;
    const created = (
      await raw.post(widgets(ns), {
        ...widget('f'),
        metadata: { name: 'f', finalizers: ['example.com/a', 'example.com/b'] },
      })
    ).body;
    const stream = await raw.watch(`${widgets(ns)}?resourceVersion=${created.metadata.resourceVersion}`);
    const deleted = await raw.delete(path);
    expect(deleted.status).toBe(200);
    expect(deleted.body.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(deleted.body.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(deleted.body.metadata.generation).toBe(2);
    const again = await raw.delete(path);
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(deleted.body.metadata.resourceVersion);
    const [marked] = await stream.take(1);
    expect(marked?.type).toBe('MODIFIED');

    const adding = await raw.patch(
      path,
      { metadata: { finalizers: ['example.com/a', 'example.com/b', 'example.com/c'] } },
      MERGE,
    );
    expect(adding.status).toBe(422);
    expect(adding.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueForbidden',
      field: 'metadata.finalizers',
    });
    const cleared = await raw.patch(path, { metadata: { deletionTimestamp: null } }, MERGE);
    expect(cleared.body.metadata.deletionTimestamp).toBe(deleted.body.metadata.deletionTimestamp);
    const one = await raw.patch(path, { metadata: { finalizers: ['example.com/b'] } }, MERGE);
    expect(one.status).toBe(200);
    expect((await stream.take(1))[0]?.type).toBe('MODIFIED');
    const recreate = await raw.post(widgets(ns), widget('f'));
    expect(recreate.status).toBe(409);
    expect(recreate.body.reason).toBe('AlreadyExists');
    const last = await raw.patch(path, { metadata: { finalizers: [] } }, MERGE);
    expect(last.status).toBe(200);
    const [gone] = await stream.take(1);
    expect(gone?.type).toBe('DELETED');
    expect(Number(gone?.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(one.body.metadata.resourceVersion),
    );
    expect((await raw.get(path)).status).toBe(404);
    expect((await raw.post(widgets(ns), widget('f'))).status).toBe(201);
  });

  it('without finalizers the object goes at once with a Success Status (or the object for Pods)', async () => {
    const ns = await namespace();
    const created = (await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('now'))).body;
    const response = await raw.delete(`/api/v1/namespaces/${ns}/configmaps/now`);
    expect(response.body).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'now', kind: 'configmaps', uid: created.metadata.uid },
    });
    expect((await raw.get(`/api/v1/namespaces/${ns}/configmaps/now`)).status).toBe(404);
  });

  it('DELETE preconditions (body wins over query) and dryRun', async () => {
    const ns = await namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps/p`;
    await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('p'));
    const wrongUid = await raw.delete(path, { preconditions: { uid: 'nope' } });
    expect(wrongUid.status).toBe(409);
    const wrongRv = await raw.delete(`${path}?propagationPolicy=Orphan`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { resourceVersion: '1' },
    });
    expect(wrongRv.status).toBe(409);
    expect((await raw.delete(`${path}?dryRun=All`)).status).toBe(200);
    expect((await raw.get(path)).status).toBe(200);
  });
});

describe('garbage collection', () => {
  async function ownerAndDependent(ns: string, blockOwnerDeletion = false) {
    const owner = (await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('owner'))).body;
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata.uid,
      controller: true,
      blockOwnerDeletion,
    };
    await raw.post(`/api/v1/namespaces/${ns}/configmaps`, {
      ...configMap('dependent'),
      metadata: { name: 'dependent', ownerReferences: [ref] },
    });
    return owner;
  }

  it('Background (default): dependents go after their owner', async () => {
    const ns = await namespace();
    await ownerAndDependent(ns);
    await raw.delete(`/api/v1/namespaces/${ns}/configmaps/owner`);
    await eventually(
      async () => (await raw.get(`/api/v1/namespaces/${ns}/configmaps/dependent`)).status === 404,
      3000,
      'dependent collected',
    );
  });

  it('Foreground: the owner waits (foregroundDeletion) until dependents are gone', async () => {
    const ns = await namespace();
    await ownerAndDependent(ns, true);
    const response = await raw.delete(
      `/api/v1/namespaces/${ns}/configmaps/owner?propagationPolicy=Foreground`,
    );
    expect(response.body.metadata.finalizers).toContain('foregroundDeletion');
    await eventually(
      async () => (await raw.get(`/api/v1/namespaces/${ns}/configmaps/owner`)).status === 404,
      3000,
      'owner gone',
    );
    expect((await raw.get(`/api/v1/namespaces/${ns}/configmaps/dependent`)).status).toBe(404);
  });

  it('Orphan: references are stripped and dependents stay', async () => {
    const ns = await namespace();
    await ownerAndDependent(ns);
    await raw.delete(`/api/v1/namespaces/${ns}/configmaps/owner`, { propagationPolicy: 'Orphan' });
    await eventually(
      async () => (await raw.get(`/api/v1/namespaces/${ns}/configmaps/owner`)).status === 404,
      3000,
      'owner gone',
    );
    const dependent = await raw.get(`/api/v1/namespaces/${ns}/configmaps/dependent`);
    expect(dependent.status).toBe(200);
    expect(dependent.body.metadata.ownerReferences).toBeUndefined();
  });

  it('more than one controller reference is 422', async () => {
    const ns = await namespace();
    const ref = (uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, controller: true });
    const response = await raw.post(`/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: 'two', ownerReferences: [ref('a'), ref('b')] },
    });
    expect(response.status).toBe(422);
  });

  it('can be switched off (envtest-like): dependents and terminating namespaces stay', async () => {
    const bare = await startKubeApi({ garbageCollection: false, namespaceCleanup: false });
    try {
      const client = new RawClient(bare);
      const owner = (await client.post('/api/v1/namespaces/default/configmaps', configMap('o'))).body;
      await client.post('/api/v1/namespaces/default/configmaps', {
        metadata: {
          name: 'd',
          ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: owner.metadata.uid }],
        },
      });
      await client.delete('/api/v1/namespaces/default/configmaps/o');
      await client.post('/api/v1/namespaces', { metadata: { name: 'stays' } });
      await client.delete('/api/v1/namespaces/stays');
      await new Promise((r) => setTimeout(r, 100));
      expect((await client.get('/api/v1/namespaces/default/configmaps/d')).status).toBe(200);
      expect((await client.get('/api/v1/namespaces/stays')).body.status.phase).toBe('Terminating');
    } finally {
      await bare.close();
    }
  });
});
