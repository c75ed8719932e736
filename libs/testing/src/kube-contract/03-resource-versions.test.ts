// Checklist 3: one global resourceVersion sequence (compared only for equality or used to resume),
// stale writes → 409 Conflict, custom resource PUT without resourceVersion → 422, uid preconditions.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { causeFields, failure, useContract, watch, type Obj } from './test-support/contract.js';
import { installWidgetCrd, widget, Widgets, type WidgetCrd } from './test-support/widgets.js';

const contract = useContract();
let crdPromise: Promise<WidgetCrd> | undefined;
/** One Widget CRD for the file, installed by the first test that needs it. */
const widgetCrd = () => (crdPromise ??= installWidgetCrd(contract));

const OTHER_UID = '00000000-0000-4000-8000-000000000000';

describe('checklist 3: resourceVersions, conflicts and preconditions', () => {
  it('checklist 3: every write gets a new resourceVersion from one sequence shared by all resources', async () => {
    const ns = await contract.namespace();
    const cm = await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c' } },
    });
    const updated = await contract.core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'c',
      body: { ...cm, data: { a: '1' } },
    });
    expect(updated.metadata?.resourceVersion).not.toBe(cm.metadata?.resourceVersion);
    const first = await contract.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 's1' } },
    });

    // A ConfigMap's resourceVersion positions a Secret watch: s1 came after it, so it is replayed.
    const fromConfigMap = await watch(contract.kc, `/api/v1/namespaces/${ns}/secrets`, {
      resourceVersion: String(updated.metadata?.resourceVersion),
    });
    const replayed = await fromConfigMap.next('s1 replayed');
    expect([replayed.type, replayed.object.metadata?.name]).toEqual(['ADDED', 's1']);

    // From s1's own resourceVersion, only later writes show up.
    const fromSecret = await watch(contract.kc, `/api/v1/namespaces/${ns}/secrets`, {
      resourceVersion: String(first.metadata?.resourceVersion),
    });
    await contract.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's2' } } });
    const later = await fromSecret.next('s2');
    expect([later.type, later.object.metadata?.name]).toEqual(['ADDED', 's2']);
  });

  it('checklist 3: a stale resourceVersion on PUT, merge patch or apply is 409 Conflict', async () => {
    const ns = await contract.namespace();
    const stale = await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c' }, data: { v: '1' } },
    });
    await contract.core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'c',
      body: { ...stale, data: { v: '2' } },
    });
    const staleRv = String(stale.metadata?.resourceVersion);

    const put = await failure(
      contract.core.replaceNamespacedConfigMap({
        namespace: ns,
        name: 'c',
        body: { ...stale, data: { v: '3' } },
      }),
    );
    expect([put.code, put.status?.reason]).toEqual([409, 'Conflict']);
    const merge = await failure(
      contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'c', body: { metadata: { resourceVersion: staleRv }, data: { v: '3' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect([merge.code, merge.status?.reason]).toEqual([409, 'Conflict']);
    const apply = await failure(
      contract.core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'c',
          fieldManager: 'contract',
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'c', resourceVersion: staleRv },
            data: { v: '3' },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ),
    );
    expect([apply.code, apply.status?.reason]).toEqual([409, 'Conflict']);
    expect((await contract.core.readNamespacedConfigMap({ namespace: ns, name: 'c' })).data).toEqual({
      v: '2',
    });
  });

  it('checklist 3: a stale resourceVersion on a /status PUT is 409 Conflict', async () => {
    const crd = await widgetCrd();
    const widgets = await Widgets.inFreshNamespace(contract, crd);
    const stale = await widgets.create(widget(crd, 'w'));
    await widgets.replaceStatus({ ...stale, status: { phase: 'One' } });
    const conflict = await failure(widgets.replaceStatus({ ...stale, status: { phase: 'Two' } }));
    expect([conflict.code, conflict.status?.reason]).toEqual([409, 'Conflict']);
    expect((await widgets.get('w')).status).toEqual({ phase: 'One' });
  });

  it('checklist 3: PUT without resourceVersion overwrites built-ins but is 422 for custom resources', async () => {
    const ns = await contract.namespace();
    await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c' }, data: { v: '1' } },
    });
    const overwritten = await contract.core.replaceNamespacedConfigMap({
      namespace: ns,
      name: 'c',
      body: { metadata: { name: 'c' }, data: { v: '2' } },
    });
    expect(overwritten.data).toEqual({ v: '2' });

    const crd = await widgetCrd();
    const widgets = new Widgets(contract.custom, crd, ns);
    await widgets.create(widget(crd, 'w'));
    const invalid = await failure(widgets.replace(widget(crd, 'w', { size: 2 })));
    expect([invalid.code, invalid.status?.reason]).toEqual([422, 'Invalid']);
    expect(causeFields(invalid)).toContain('metadata.resourceVersion');
    expect((await widgets.get('w')).spec).toMatchObject({ size: 1 });
  });

  it('checklist 3: a uid that does not match the live object is 409 Conflict on update and delete', async () => {
    const ns = await contract.namespace();
    const live = await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'c' } },
    });
    const body: Obj = { metadata: { name: 'c', uid: OTHER_UID }, data: { v: '2' } };
    const update = await failure(
      contract.core.replaceNamespacedConfigMap({ namespace: ns, name: 'c', body }),
    );
    expect([update.code, update.status?.reason]).toEqual([409, 'Conflict']);

    const deletion = await failure(
      contract.core.deleteNamespacedConfigMap({
        namespace: ns,
        name: 'c',
        body: { preconditions: { uid: OTHER_UID } },
      }),
    );
    expect([deletion.code, deletion.status?.reason]).toEqual([409, 'Conflict']);
    await contract.core.deleteNamespacedConfigMap({
      namespace: ns,
      name: 'c',
      body: { preconditions: { uid: live.metadata?.uid, resourceVersion: live.metadata?.resourceVersion } },
    });
    expect((await failure(contract.core.readNamespacedConfigMap({ namespace: ns, name: 'c' }))).code).toBe(
      404,
    );
  });
});
