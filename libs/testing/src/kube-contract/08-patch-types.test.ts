// Checklist 8: the four patch types. Strategic merge is 415 on custom resources, apply needs a
// fieldManager, force is apply-only, non-apply patches of missing objects are 404 while apply creates
// (201); merge patch replaces lists whole, strategic merge merges keyed lists, JSON patch tests.
import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, useContract, type Obj } from './test-support/contract.js';
import { installWidgetCrd, widget, Widgets, type WidgetCrd } from './test-support/widgets.js';
import { idleDeployment } from './test-support/workloads.js';

const contract = useContract();
let crd: WidgetCrd;
beforeAll(async () => {
  crd = await installWidgetCrd(contract);
});

const header = (strategy: PatchStrategy) => setHeaderOptions('Content-Type', strategy);

function twoContainerDeployment(name: string): V1Deployment {
  return idleDeployment(name, [
    { name: 'web', image: 'nginx:1.27' },
    { name: 'sidecar', image: 'busybox:1.36', command: ['sleep', 'infinity'] },
  ]);
}

describe('checklist 8: patch types', () => {
  it('checklist 8: strategic merge patch of a custom resource is 415 UnsupportedMediaType', async () => {
    const widgets = await Widgets.inFreshNamespace(contract, crd);
    await widgets.create(widget(crd, 'w'));
    const typed = await failure(widgets.patch('w', { spec: { size: 2 } }, PatchStrategy.StrategicMergePatch));
    expect([typed.code, typed.status?.reason]).toEqual([415, 'UnsupportedMediaType']);
    // KubernetesObjectApi.patch defaults to strategic merge.
    const generic = await failure(
      contract.objects.patch({
        ...widget(crd, 'w', { size: 2 }),
        metadata: { name: 'w', namespace: widgets.namespace },
      }),
    );
    expect(generic.code).toBe(415);
    expect((await widgets.get('w')).spec).toMatchObject({ size: 1 });
  });

  it('checklist 8: apply without fieldManager and force on a non-apply patch are 422', async () => {
    const ns = await contract.namespace();
    await contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'c' } } });
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } };
    const unmanaged = await failure(
      contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'c', body },
        header(PatchStrategy.ServerSideApply),
      ),
    );
    expect([unmanaged.code, unmanaged.status?.reason]).toEqual([422, 'Invalid']);
    expect(unmanaged.status?.details?.causes).toContainEqual(
      expect.objectContaining({ reason: 'FieldValueRequired', field: 'fieldManager' }),
    );
    const forced = await failure(
      contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'c', body: { data: { a: '1' } }, force: true },
        header(PatchStrategy.MergePatch),
      ),
    );
    expect([forced.code, forced.status?.reason]).toEqual([422, 'Invalid']);
    expect((await contract.core.readNamespacedConfigMap({ namespace: ns, name: 'c' })).data).toBeUndefined();
  });

  it('checklist 8: non-apply patches of a missing object are 404; apply creates it (201), then updates (200)', async () => {
    const ns = await contract.namespace();
    const target = { namespace: ns, name: 'late' };
    for (const [strategy, body] of [
      [PatchStrategy.MergePatch, { data: { a: '1' } }],
      [PatchStrategy.StrategicMergePatch, { data: { a: '1' } }],
      [PatchStrategy.JsonPatch, [{ op: 'add', path: '/data', value: { a: '1' } }]],
    ] as const) {
      const missing = await failure(
        contract.core.patchNamespacedConfigMap({ ...target, body }, header(strategy)),
      );
      expect([strategy, missing.code, missing.status?.reason]).toEqual([strategy, 404, 'NotFound']);
    }
    const apply = (data: Record<string, string>) =>
      contract.core.patchNamespacedConfigMapWithHttpInfo(
        {
          ...target,
          fieldManager: 'contract',
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data },
        },
        header(PatchStrategy.ServerSideApply),
      );
    const created = await apply({ a: '1' });
    expect(created.httpStatusCode).toBe(201);
    expect(created.data.metadata?.managedFields?.map((m) => [m.manager, m.operation])).toEqual([
      ['contract', 'Apply'],
    ]);
    const updated = await apply({ a: '2' });
    expect(updated.httpStatusCode).toBe(200);
    expect(updated.data.data).toEqual({ a: '2' });
  });

  it('checklist 8: merge patch deletes with null and replaces lists whole; JSON patch applies ops or fails a test with 422', async () => {
    const widgets = await Widgets.inFreshNamespace(contract, crd);
    await widgets.create(widget(crd, 'w', { size: 1, tags: ['a', 'b'], labels: { x: '1', y: '2' } }));
    const merged = await widgets.patch('w', { spec: { tags: ['c'], labels: { x: null, z: '3' } } });
    expect(merged.spec).toMatchObject({ tags: ['c'], labels: { y: '2', z: '3' } });

    const ops = await widgets.patch(
      'w',
      [
        { op: 'test', path: '/spec/size', value: 1 },
        { op: 'replace', path: '/spec/size', value: 4 },
        { op: 'add', path: '/spec/tags/-', value: 'd' },
        { op: 'remove', path: '/spec/labels/y' },
      ],
      PatchStrategy.JsonPatch,
    );
    expect(ops.spec).toMatchObject({ size: 4, tags: ['c', 'd'], labels: { z: '3' } });
    const failedTest = await failure(
      widgets.patch(
        'w',
        [
          { op: 'test', path: '/spec/size', value: 1 },
          { op: 'replace', path: '/spec/size', value: 5 },
        ],
        PatchStrategy.JsonPatch,
      ),
    );
    expect(failedTest.code).toBe(422);
    expect((await widgets.get('w')).spec).toMatchObject({ size: 4 });
  });

  it('checklist 8: strategic merge merges containers by name and unions finalizers', async () => {
    const ns = await contract.namespace();
    await contract.apps.createNamespacedDeployment({ namespace: ns, body: twoContainerDeployment('web') });
    const patched = await contract.apps.patchNamespacedDeployment(
      {
        namespace: ns,
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } },
      },
      header(PatchStrategy.StrategicMergePatch),
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image]).sort()).toEqual([
      ['sidecar', 'busybox:1.36'],
      ['web', 'nginx:1.28'],
    ]);

    const cm: Obj = { metadata: { name: 'c', finalizers: ['contract.flotilla.dev/a'] } };
    await contract.core.createNamespacedConfigMap({ namespace: ns, body: cm });
    const unioned = await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'c', body: { metadata: { finalizers: ['contract.flotilla.dev/b'] } } },
      header(PatchStrategy.StrategicMergePatch),
    );
    expect(unioned.metadata?.finalizers?.slice().sort()).toEqual([
      'contract.flotilla.dev/a',
      'contract.flotilla.dev/b',
    ]);
    const cleared = await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'c', body: { metadata: { finalizers: null } } },
      header(PatchStrategy.MergePatch),
    );
    expect(cleared.metadata?.finalizers).toBeUndefined();
  });
});
