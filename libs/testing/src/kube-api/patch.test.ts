// Patch types and server-side apply (kube-api.md §4; checklist 8, 9).
import { describe, expect, it } from 'vitest';
import { createNamespace, startFileKubeApi } from './test-support/file-server.js';
import { configMap, deployment, widget, widgetCrd } from './test-support/fixtures.js';

const { raw } = await startFileKubeApi({ crds: [widgetCrd()] });

const JSON_PATCH = 'application/json-patch+json';
const MERGE = 'application/merge-patch+json';
const SMP = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';

const namespace = () => createNamespace(raw, 'p');
const deploys = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`;
const widgets = (ns: string) => `/apis/example.com/v1/namespaces/${ns}/widgets`;
const managers = (obj: {
  metadata: { managedFields?: { manager: string; operation: string; subresource?: string }[] };
}) =>
  (obj.metadata.managedFields ?? [])
    .map((e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ''}`)
    .sort();

describe('patch types', () => {
  it('JSON patch applies operations; a failed test or a missing path is 422', async () => {
    const ns = await namespace();
    await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('j', { a: '1' }));
    const path = `/api/v1/namespaces/${ns}/configmaps/j`;
    const ok = await raw.patch(
      path,
      [
        { op: 'test', path: '/data/a', value: '1' },
        { op: 'add', path: '/data/b', value: '2' },
      ],
      JSON_PATCH,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ a: '1', b: '2' });
    const failed = await raw.patch(path, [{ op: 'test', path: '/data/a', value: 'x' }], JSON_PATCH);
    expect(failed.status).toBe(422);
    const missing = await raw.patch(path, [{ op: 'remove', path: '/data/zzz' }], JSON_PATCH);
    expect(missing.status).toBe(422);
    expect((await raw.patch(path, { not: 'a list' }, JSON_PATCH)).status).toBe(400);
  });

  it('merge patch: null deletes, lists replace whole', async () => {
    const ns = await namespace();
    await raw.post(deploys(ns), deployment('m'));
    const response = await raw.patch(
      `${deploys(ns)}/m`,
      {
        metadata: { labels: { app: null, extra: 'x' } },
        spec: { template: { spec: { containers: [{ name: 'other', image: 'busybox' }] } } },
      },
      MERGE,
    );
    expect(response.status).toBe(200);
    expect(response.body.metadata.labels).toEqual({ extra: 'x' });
    expect(response.body.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      'other',
    ]);
  });

  it('strategic merge: keyed lists merge by key, finalizers union, $patch directives; CRs get 415', async () => {
    const ns = await namespace();
    const base = deployment('s');
    (base.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers = [
      { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] },
      { name: 'side', image: 'busybox:1' },
    ];
    await raw.post(deploys(ns), {
      ...base,
      metadata: { name: 's', labels: { app: 's' }, finalizers: ['example.com/x'] },
    });
    const response = await raw.patch(
      `${deploys(ns)}/s`,
      {
        metadata: { finalizers: ['example.com/y'] },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '2' }] },
                { name: 'side', $patch: 'delete' },
              ],
            },
          },
        },
      },
      SMP,
    );
    expect(response.status).toBe(200);
    const containers = response.body.spec.template.spec.containers;
    expect(containers.map((c: { name: string }) => c.name)).toEqual(['web']);
    expect(containers[0].image).toBe('nginx:2');
    expect(containers[0].env.map((e: { name: string }) => e.name).sort()).toEqual(['A', 'B']);
    expect(response.body.metadata.finalizers.sort()).toEqual(['example.com/x', 'example.com/y']);
    await raw.post(widgets(ns), widget('cr'));
    const refused = await raw.patch(`${widgets(ns)}/cr`, { spec: { size: 2 } }, SMP);
    expect(refused.status).toBe(415);
    expect(refused.body.reason).toBe('UnsupportedMediaType');
    expect(refused.body.message).toContain(
      'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('unknown patch types are 415; force on a non-apply patch is 422; patching a missing object is 404', async () => {
    const ns = await namespace();
    await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('u'));
    const path = `/api/v1/namespaces/${ns}/configmaps/u`;
    expect((await raw.patch(path, {}, 'application/json')).status).toBe(415);
    const forced = await raw.patch(`${path}?force=true`, { data: { a: 'b' } }, MERGE);
    expect(forced.status).toBe(422);
    expect((await raw.patch(`/api/v1/namespaces/${ns}/configmaps/none`, { data: {} }, MERGE)).status).toBe(
      404,
    );
  });

  it('a patch carrying a stale resourceVersion is 409; a patch that changes nothing keeps the resourceVersion', async () => {
    const ns = await namespace();
    const created = (await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('c', { a: '1' }))).body;
    const path = `/api/v1/namespaces/${ns}/configmaps/c`;
    await raw.patch(path, { data: { a: '2' } }, MERGE);
    const stale = await raw.patch(
      path,
      { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { a: '3' } },
      MERGE,
    );
    expect(stale.status).toBe(409);
    const current = (await raw.get(path)).body;
    const same = await raw.patch(path, { data: { a: '2' } }, MERGE);
    expect(same.body.metadata.resourceVersion).toBe(current.metadata.resourceVersion);
  });

  it('Scale subresource reads and writes replicas', async () => {
    const ns = await namespace();
    await raw.post(deploys(ns), deployment('sc'));
    const scale = await raw.get(`${deploys(ns)}/sc/scale`);
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 1 },
      status: { replicas: 0, selector: 'app=sc' },
    });
    const patched = await raw.patch(`${deploys(ns)}/sc/scale`, { spec: { replicas: 4 } }, MERGE);
    expect(patched.body.spec.replicas).toBe(4);
    const obj = (await raw.get(`${deploys(ns)}/sc`)).body;
    expect(obj.spec.replicas).toBe(4);
    expect(obj.metadata.generation).toBe(2);
  });
});

describe('server-side apply', () => {
  const apply = (path: string, body: unknown, manager?: string, extra = '') =>
    raw.patch(`${path}?${manager ? `fieldManager=${manager}` : ''}${extra}`, body, APPLY);

  it('creates a missing object (201) with an Apply entry; re-applying the same is a no-op', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/a`;
    const created = await apply(path, deployment('a'), 'alice');
    expect(created.status).toBe(201);
    expect(managers(created.body)).toEqual(['alice/Apply']);
    expect(created.body.spec.strategy.type).toBe('RollingUpdate');
    const again = await apply(path, deployment('a'), 'alice');
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
  });

  it('requires fieldManager (422 PatchOptions), matching apiVersion/kind/name (400) and no managedFields (400)', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/v`;
    const missing = await apply(path, deployment('v'));
    expect(missing.status).toBe(422);
    expect(missing.body.details.kind).toBe('PatchOptions');
    expect(missing.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueRequired',
      field: 'fieldManager',
    });
    expect((await apply(path, { ...deployment('v'), kind: 'StatefulSet' }, 'm')).status).toBe(400);
    expect((await apply(path, deployment('other'), 'm')).status).toBe(400);
    const withManaged = deployment('v');
    (withManaged.metadata as Record<string, unknown>).managedFields = [{ manager: 'x' }];
    expect((await apply(path, withManaged, 'm')).status).toBe(400);
  });

  it('accepts YAML bodies', async () => {
    const ns = await namespace();
    const yaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  key: value\n`;
    const response = await apply(`/api/v1/namespaces/${ns}/configmaps/y`, yaml, 'yaml');
    expect(response.status).toBe(201);
    expect(response.body.data).toEqual({ key: 'value' });
  });

  it('conflicts with another manager are 409 with one cause per field; force takes ownership', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/c`;
    await apply(path, deployment('c'), 'alice');
    const bob = deployment('c', { replicas: 3 });
    const conflict = await apply(path, bob, 'bob');
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
    ]);
    const forced = await apply(path, bob, 'bob', '&force=true');
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(3);
    const again = await apply(path, deployment('c'), 'alice');
    expect(again.status).toBe(409);
  });

  it('Update owners conflict too (named "<mgr>" using <apiVersion>); equal values share ownership', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/u`;
    await raw.post(`${deploys(ns)}?fieldManager=kubectl-edit`, deployment('u'));
    const shared = await apply(path, deployment('u'), 'flux');
    expect(shared.status).toBe(200);
    await raw.patch(`${path}?fieldManager=kubectl-edit`, { spec: { replicas: 5 } }, MERGE);
    const conflict = await apply(path, deployment('u', { replicas: 2 }), 'flux');
    expect(conflict.status).toBe(409);
    expect(conflict.body.details.causes[0].message).toBe('conflict with "kubectl-edit" using apps/v1');
  });

  it('fields a manager stops applying are removed unless another manager owns them', async () => {
    const ns = await namespace();
    const path = `/api/v1/namespaces/${ns}/configmaps/r`;
    await apply(path, configMap('r', { a: '1', b: '2' }), 'one');
    const dropped = await apply(path, configMap('r', { a: '1' }), 'one');
    expect(dropped.body.data).toEqual({ a: '1' });
    await apply(path, configMap('r', { c: '3' }), 'two');
    const keptByTwo = await apply(path, configMap('r', {}), 'one');
    expect(keptByTwo.body.data).toEqual({ c: '3' });
  });

  it('associative lists merge per key across managers (containers by name)', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/l`;
    await apply(path, deployment('l'), 'one');
    const sidecar = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'l' },
      spec: { template: { spec: { containers: [{ name: 'side', image: 'busybox:1' }] } } },
    };
    const merged = await apply(path, sidecar, 'two');
    expect(merged.status).toBe(200);
    expect(merged.body.spec.template.spec.containers.map((c: { name: string }) => c.name).sort()).toEqual([
      'side',
      'web',
    ]);
    const custom = await apply(
      `${widgets(ns)}/m`,
      widget('m', { size: 1, ports: [{ name: 'http', port: 80 }], tags: ['a'] }),
      'one',
    );
    expect(custom.status).toBe(201);
    const other = await apply(
      `${widgets(ns)}/m`,
      { ...widget('m', { size: 1, ports: [{ name: 'grpc', port: 90 }], tags: ['b'] }) },
      'two',
      '&force=true',
    );
    expect(other.body.spec.ports.map((p: { name: string }) => p.name).sort()).toEqual(['grpc', 'http']);
    expect(other.body.spec.tags).toEqual(['b']);
  });

  it('dryRun apply stores nothing; status applies to /status are recorded with subresource status', async () => {
    const ns = await namespace();
    const path = `${deploys(ns)}/d`;
    const dry = await apply(path, deployment('d'), 'm', '&dryRun=All');
    expect(dry.status).toBe(201);
    expect((await raw.get(path)).status).toBe(404);
    await apply(path, deployment('d'), 'm');
    const status = await apply(
      `${path}/status`,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, status: { replicas: 1 } },
      'ctrl',
    );
    expect(status.status).toBe(200);
    expect(status.body.status.replicas).toBe(1);
    expect(managers(status.body)).toEqual(['ctrl/Apply/status', 'm/Apply']);
    const ignored = await apply(path, { ...deployment('d'), status: { replicas: 9 } }, 'm');
    expect(ignored.body.status.replicas).toBe(1);
  });

  it('non-apply writes record Update entries under fieldManager or the User-Agent prefix', async () => {
    const ns = await namespace();
    const created = await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('ua'), {
      headers: { 'User-Agent': 'my-tool/1.2 (linux)' },
    });
    expect(managers(created.body)).toEqual(['my-tool/Update']);
    const patched = await raw.patch(
      `/api/v1/namespaces/${ns}/configmaps/ua?fieldManager=editor`,
      { data: { x: 'y' } },
      MERGE,
    );
    expect(managers(patched.body)).toEqual(['editor/Update', 'my-tool/Update']);
  });
});
