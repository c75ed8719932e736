// Object semantics (kube-api.md §3; checklist 3, 4, 10 namespace rules).
import { describe, expect, it } from 'vitest';
import { startKubeApi } from './server.js';
import { startFileKubeApi } from './test-support/file-server.js';
import { configMap, deployment, widget, widgetCrd } from './test-support/fixtures.js';
import { eventually, RawClient, uniqueName } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi({ crds: [widgetCrd()] });

async function namespace(): Promise<string> {
  const name = uniqueName();
  expect((await raw.post('/api/v1/namespaces', { metadata: { name } })).status).toBe(201);
  return name;
}

const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

describe('create', () => {
  it('sets uid, resourceVersion, creationTimestamp and namespace; generation only where tracked', async () => {
    const ns = await namespace();
    const response = await raw.post(cms(ns), configMap('a', { k: 'v' }));
    expect(response.status).toBe(201);
    const meta = response.body.metadata;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.resourceVersion).toMatch(/^\d+$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.namespace).toBe(ns);
    expect(meta.generation).toBeUndefined();
    const deploy = await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web'));
    expect(deploy.body.metadata.generation).toBe(1);
    expect(deploy.body.kind).toBe('Deployment');
    expect(deploy.body.apiVersion).toBe('apps/v1');
  });

  it('generateName appends five characters from the Kubernetes alphabet', async () => {
    const ns = await namespace();
    const response = await raw.post(cms(ns), { metadata: { generateName: 'gen-' } });
    expect(response.status).toBe(201);
    expect(response.body.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('requires a name (422), a valid one (422) and the URL namespace (400)', async () => {
    const ns = await namespace();
    const missing = await raw.post(cms(ns), { metadata: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.reason).toBe('Invalid');
    expect(missing.body.details.causes).toEqual([
      expect.objectContaining({ reason: 'FieldValueRequired', field: 'metadata.name' }),
    ]);
    const bad = await raw.post(cms(ns), { metadata: { name: 'Bad_Name' } });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toMatchObject({ kind: 'ConfigMap', name: 'Bad_Name' });
    expect(bad.body.details.causes[0].field).toBe('metadata.name');
    const svcLabel = await raw.post(`/api/v1/namespaces/${ns}/services`, {
      metadata: { name: 'a.b' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(svcLabel.status).toBe(422);
    const mismatch = await raw.post(cms(ns), { metadata: { name: 'x', namespace: 'other' } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.reason).toBe('BadRequest');
  });

  it('refuses a client resourceVersion with a 500 without reason', async () => {
    const ns = await namespace();
    const response = await raw.post(cms(ns), { metadata: { name: 'rv', resourceVersion: '5' } });
    expect(response.status).toBe(500);
    expect(response.body.reason).toBeUndefined();
    expect(response.body.kind).toBe('Status');
  });

  it('duplicates are 409 AlreadyExists', async () => {
    const ns = await namespace();
    expect((await raw.post(cms(ns), configMap('dup'))).status).toBe(201);
    const again = await raw.post(cms(ns), configMap('dup'));
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('AlreadyExists');
    expect(again.body.details).toMatchObject({ name: 'dup', kind: 'configmaps' });
  });

  it('a missing namespace is 404, a terminating one 403 NamespaceTerminating', async () => {
    const missing = await raw.post(cms('no-such-ns'), configMap('x'));
    expect(missing.status).toBe(404);
    expect(missing.body.details).toMatchObject({ name: 'no-such-ns', kind: 'namespaces' });
    const ns = await namespace();
    await raw.post(cms(ns), { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    const del = await raw.delete(`/api/v1/namespaces/${ns}`);
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Namespace');
    expect(del.body.status.phase).toBe('Terminating');
    const refused = await raw.post(cms(ns), configMap('late'));
    expect(refused.status).toBe(403);
    expect(refused.body.reason).toBe('Forbidden');
    expect(refused.body.details.causes).toEqual([
      expect.objectContaining({ reason: 'NamespaceTerminating', field: 'metadata.namespace' }),
    ]);
  });

  it('cluster-scoped objects get no namespace; dryRun creates nothing', async () => {
    const name = uniqueName('dry');
    const dry = await raw.post('/api/v1/namespaces?dryRun=All', { metadata: { name, namespace: 'ignored' } });
    expect(dry.status).toBe(201);
    expect(dry.body.metadata.namespace).toBeUndefined();
    expect((await raw.get(`/api/v1/namespaces/${name}`)).status).toBe(404);
  });

  it('drops unknown metadata fields with a Warning, or refuses them under Strict', async () => {
    const ns = await namespace();
    const warned = await raw.post(cms(ns), { metadata: { name: 'w', bogus: 1 } });
    expect(warned.status).toBe(201);
    expect(warned.body.metadata.bogus).toBeUndefined();
    expect(warned.headers.get('warning')).toMatch(/^299 - "unknown field \\"metadata\.bogus\\""$/);
    const strict = await raw.post(`${cms(ns)}?fieldValidation=Strict`, { metadata: { name: 's', bogus: 1 } });
    expect(strict.status).toBe(400);
  });
});

describe('update and concurrency', () => {
  it('every persisted write gets a new, increasing resourceVersion; a stale one is 409 Conflict', async () => {
    const ns = await namespace();
    const created = (await raw.post(cms(ns), configMap('c', { a: '1' }))).body;
    const updated = await raw.put(`${cms(ns)}/c`, { ...created, data: { a: '2' } });
    expect(updated.status).toBe(200);
    expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
    const stale = await raw.put(`${cms(ns)}/c`, { ...created, data: { a: '3' } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect(stale.body.details).toMatchObject({ name: 'c', kind: 'configmaps' });
  });

  it('PUT without resourceVersion overwrites built-ins but is 422 for custom resources', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('u', { a: '1' }));
    const blind = await raw.put(`${cms(ns)}/u`, configMap('u', { a: '2' }));
    expect(blind.status).toBe(200);
    expect(blind.body.data).toEqual({ a: '2' });
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets`;
    expect((await raw.post(path, widget('w'))).status).toBe(201);
    const cr = await raw.put(`${path}/w`, widget('w', { size: 2 }));
    expect(cr.status).toBe(422);
    expect(cr.body.details.causes[0].field).toBe('metadata.resourceVersion');
  });

  it('a body uid different from the live one is a 409 precondition failure', async () => {
    const ns = await namespace();
    const created = (await raw.post(cms(ns), configMap('uid'))).body;
    const response = await raw.put(`${cms(ns)}/uid`, {
      ...created,
      metadata: { ...created.metadata, uid: '00000000-0000-0000-0000-000000000000' },
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toContain('Precondition failed');
  });

  it('a write that changes nothing keeps the resourceVersion and emits no event', async () => {
    const ns = await namespace();
    const created = (await raw.post(cms(ns), configMap('same', { a: '1' }))).body;
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${created.metadata.resourceVersion}`);
    const before = server.resourceVersion;
    const again = await raw.put(`${cms(ns)}/same`, created);
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(server.resourceVersion).toBe(before);
    await raw.put(`${cms(ns)}/same`, { ...created, data: { a: '2' } });
    const [event] = await stream.take(1);
    expect(event?.type).toBe('MODIFIED');
    expect(event?.object.data).toEqual({ a: '2' });
    stream.close();
  });

  it('reverts client edits to system metadata; a different name in the body is 400', async () => {
    const ns = await namespace();
    const created = (await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('d'))).body;
    const edited = {
      ...created,
      metadata: {
        ...created.metadata,
        creationTimestamp: '2000-01-01T00:00:00Z',
        generation: 42,
        deletionTimestamp: '2000-01-01T00:00:00Z',
      },
    };
    const response = await raw.put(`/apis/apps/v1/namespaces/${ns}/deployments/d`, edited);
    expect(response.status).toBe(200);
    expect(response.body.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(response.body.metadata.generation).toBe(1);
    expect(response.body.metadata.deletionTimestamp).toBeUndefined();
    const renamed = await raw.put(`/apis/apps/v1/namespaces/${ns}/deployments/d`, {
      ...created,
      metadata: { ...created.metadata, name: 'other' },
    });
    expect(renamed.status).toBe(400);
  });

  it('update of a missing object is 404', async () => {
    const ns = await namespace();
    expect((await raw.put(`${cms(ns)}/missing`, configMap('missing'))).status).toBe(404);
  });

  it('immutable fields are 422: Deployment selector, ConfigMap data once immutable, Secret type', async () => {
    const ns = await namespace();
    const deploy = (await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('imm'))).body;
    const changed = structuredClone(deploy);
    changed.spec.selector = { matchLabels: { app: 'imm', tier: 'x' } };
    changed.spec.template.metadata.labels.tier = 'x';
    const selector = await raw.put(`/apis/apps/v1/namespaces/${ns}/deployments/imm`, changed);
    expect(selector.status).toBe(422);
    expect(selector.body.details.causes.map((c: { field: string }) => c.field)).toContain('spec.selector');
    const cm = (await raw.post(cms(ns), { ...configMap('frozen', { a: '1' }), immutable: true })).body;
    const thawed = await raw.put(`${cms(ns)}/frozen`, { ...cm, data: { a: '2' } });
    expect(thawed.status).toBe(422);
    const secret = (await raw.post(`/api/v1/namespaces/${ns}/secrets`, { metadata: { name: 's' }, data: {} }))
      .body;
    const retyped = await raw.put(`/api/v1/namespaces/${ns}/secrets/s`, {
      ...secret,
      type: 'kubernetes.io/basic-auth',
    });
    expect(retyped.status).toBe(422);
    expect(retyped.body.details.causes[0].field).toBe('type');
  });
});

describe('list', () => {
  it('filters by equality and set-based label selectors (missing keys match != and notin)', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('a', {}, { app: 'web', tier: 'front', n: '5' }));
    await raw.post(cms(ns), configMap('b', {}, { app: 'db', tier: 'back' }));
    await raw.post(cms(ns), configMap('c', {}, { app: 'web' }));
    const names = async (selector: string) =>
      (
        (await raw.get(`${cms(ns)}?labelSelector=${encodeURIComponent(selector)}`)).body.items as {
          metadata: { name: string };
        }[]
      )
        .map((i) => i.metadata.name)
        .sort();
    expect(await names('app=web')).toEqual(['a', 'c']);
    expect(await names('app==web')).toEqual(['a', 'c']);
    expect(await names('tier!=front')).toEqual(['b', 'c']);
    expect(await names('app in (web,db),tier')).toEqual(['a', 'b']);
    expect(await names('tier notin (front)')).toEqual(['b', 'c']);
    expect(await names('!tier')).toEqual(['c']);
    expect(await names('n>3')).toEqual(['a']);
    expect(await names('n<3')).toEqual([]);
    expect((await raw.get(`${cms(ns)}?labelSelector=${encodeURIComponent('a in (')}`)).status).toBe(400);
  });

  it('filters by field selectors on name and namespace; unknown fields are 400', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('x'));
    await raw.post(cms(ns), configMap('y'));
    const byName = await raw.get(`${cms(ns)}?fieldSelector=metadata.name%3Dx`);
    expect(byName.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['x']);
    const notName = await raw.get(`${cms(ns)}?fieldSelector=metadata.name!%3Dx`);
    expect(notName.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['y']);
    const all = await raw.get(`/api/v1/configmaps?fieldSelector=metadata.namespace%3D%3D${ns}`);
    expect(all.body.items).toHaveLength(2);
    const bad = await raw.get(`${cms(ns)}?fieldSelector=spec.foo%3Dbar`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('field label not supported');
    const secrets = await raw.get(`/api/v1/namespaces/${ns}/secrets?fieldSelector=type%3DOpaque`);
    expect(secrets.status).toBe(200);
  });

  it('list items of built-ins carry no kind/apiVersion; the list carries the global resourceVersion', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('x'));
    const list = await raw.get(cms(ns));
    expect(list.body).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(list.body.items[0].kind).toBeUndefined();
    expect(list.body.metadata.resourceVersion).toBe(server.resourceVersion);
    const path = `/apis/example.com/v1/namespaces/${ns}/widgets`;
    await raw.post(path, widget('w'));
    const crs = await raw.get(path);
    expect(crs.body).toMatchObject({ kind: 'WidgetList', apiVersion: 'example.com/v1' });
    expect(crs.body.items[0]).toMatchObject({ kind: 'Widget', apiVersion: 'example.com/v1' });
  });

  it('pages with limit/continue on a frozen snapshot; expired tokens are 410', async () => {
    const ns = await namespace();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await raw.post(cms(ns), configMap(n));
    const first = await raw.get(`${cms(ns)}?limit=2`);
    expect(first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['a', 'b']);
    expect(first.body.metadata.continue).toBeTruthy();
    expect(first.body.metadata.remainingItemCount).toBe(3);
    await raw.post(cms(ns), configMap('aa'));
    const second = await raw.get(`${cms(ns)}?limit=2&continue=${first.body.metadata.continue}`);
    expect(second.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['c', 'd']);
    expect(second.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    const third = await raw.get(`${cms(ns)}?limit=2&continue=${second.body.metadata.continue}`);
    expect(third.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['e']);
    expect(third.body.metadata.continue).toBeUndefined();
    const withRv = await raw.get(
      `${cms(ns)}?limit=2&continue=${first.body.metadata.continue}&resourceVersion=5`,
    );
    expect(withRv.status).toBe(400);
    server.expireContinueTokens();
    const expired = await raw.get(`${cms(ns)}?limit=2&continue=${first.body.metadata.continue}`);
    expect(expired.status).toBe(410);
    expect(expired.body.reason).toBe('Expired');
  });

  it('honours resourceVersion semantics: exact past lists, too-large RVs, match validation', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('one'));
    const rv = server.resourceVersion;
    await raw.post(cms(ns), configMap('two'));
    const exact = await raw.get(`${cms(ns)}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(exact.status).toBe(200);
    expect(exact.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['one']);
    expect(exact.body.metadata.resourceVersion).toBe(rv);
    const limited = await raw.get(`${cms(ns)}?resourceVersion=${rv}&limit=10`);
    expect(limited.body.items).toHaveLength(1);
    const notOlder = await raw.get(`${cms(ns)}?resourceVersion=${rv}&resourceVersionMatch=NotOlderThan`);
    expect(notOlder.body.items).toHaveLength(2);
    expect((await raw.get(`${cms(ns)}?resourceVersionMatch=NotOlderThan`)).status).toBe(422);
    expect((await raw.get(`${cms(ns)}?resourceVersion=0&resourceVersionMatch=Exact`)).status).toBe(422);
    expect((await raw.get(`${cms(ns)}?resourceVersion=0`)).body.items).toHaveLength(2);
    const future = await raw.get(`${cms(ns)}?resourceVersion=99999999&resourceVersionMatch=NotOlderThan`);
    expect(future.status).toBe(504);
    server.compactHistory();
    const compacted = await raw.get(`${cms(ns)}?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(compacted.status).toBe(410);
    expect(compacted.body.reason).toBe('Expired');
  });

  it('deletecollection deletes what the selector matches', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('k1', {}, { del: 'yes' }));
    await raw.post(cms(ns), configMap('k2', {}, { del: 'no' }));
    const response = await raw.delete(`${cms(ns)}?labelSelector=del%3Dyes`);
    expect(response.status).toBe(200);
    const left = await raw.get(cms(ns));
    expect(left.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['k2']);
  });
});

describe('namespaces', () => {
  it('get the name label, the kubernetes finalizer and phase Active; defaults exist at start', async () => {
    const ns = await namespace();
    const obj = (await raw.get(`/api/v1/namespaces/${ns}`)).body;
    expect(obj.metadata.labels['kubernetes.io/metadata.name']).toBe(ns);
    expect(obj.spec.finalizers).toEqual(['kubernetes']);
    expect(obj.status.phase).toBe('Active');
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      expect((await raw.get(`/api/v1/namespaces/${name}`)).status).toBe(200);
    }
  });

  it('deleting a namespace removes its objects, then the namespace itself', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('x'));
    await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('d'));
    expect((await raw.delete(`/api/v1/namespaces/${ns}`)).status).toBe(200);
    await eventually(
      async () => (await raw.get(`/api/v1/namespaces/${ns}`)).status === 404,
      3000,
      'namespace gone',
    );
    expect((await raw.get(`${cms(ns)}/x`)).status).toBe(404);
  });

  it('/finalize drops the kubernetes finalizer; the namespace then vanishes (no namespace controller)', async () => {
    const bare = await startKubeApi({ namespaceCleanup: false });
    try {
      const client = new RawClient(bare);
      await client.post('/api/v1/namespaces', { metadata: { name: 'fin' } });
      const terminating = (await client.delete('/api/v1/namespaces/fin')).body;
      expect(terminating.status.phase).toBe('Terminating');
      const finalized = await client.put('/api/v1/namespaces/fin/finalize', {
        ...terminating,
        spec: { finalizers: [] },
      });
      expect(finalized.status).toBe(200);
      expect((await client.get('/api/v1/namespaces/fin')).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
