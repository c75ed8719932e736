// Checklist 4: writes whose result equals the stored object are not persisted: the resourceVersion
// stays and watchers see nothing. Each test ends with a real write and checks that it is the first
// event, so "no event" is asserted without waiting on a clock.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventually, summary, useContract, watch } from './test-support/contract.js';
import { installWidgetCrd, widget, Widgets } from './test-support/widgets.js';
import { idleDeployment } from './test-support/workloads.js';

const contract = useContract();

const header = (strategy: PatchStrategy) => setHeaderOptions('Content-Type', strategy);

/** Server-side apply, as manager `contract`, of the ConfigMap `c` (label app=a, data k=v). */
const applyConfigMap = (namespace: string) =>
  contract.core.patchNamespacedConfigMap(
    {
      namespace,
      name: 'c',
      fieldManager: 'contract',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', labels: { app: 'a' } },
        data: { k: 'v' },
      },
    },
    header(PatchStrategy.ServerSideApply),
  );

describe('checklist 4: no-op writes keep the resourceVersion and emit no event', () => {
  it('checklist 4: identical PUT, merge, strategic, JSON and apply patches of a ConfigMap change nothing', async () => {
    const ns = await contract.namespace();
    const cm = await applyConfigMap(ns);
    const rv = cm.metadata?.resourceVersion;
    // Selected by label: a real cluster also publishes kube-root-ca.crt into new namespaces.
    const events = await watch(contract.kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(rv),
      labelSelector: 'app=a',
    });
    const target = { namespace: ns, name: 'c' };

    const writes = [
      await contract.core.replaceNamespacedConfigMap({ ...target, body: cm }),
      await contract.core.patchNamespacedConfigMap(
        { ...target, body: { data: { k: 'v' } } },
        header(PatchStrategy.MergePatch),
      ),
      await contract.core.patchNamespacedConfigMap(
        { ...target, body: { metadata: { labels: { app: 'a' } } } },
        header(PatchStrategy.StrategicMergePatch),
      ),
      await contract.core.patchNamespacedConfigMap(
        { ...target, body: [{ op: 'test', path: '/data/k', value: 'v' }] },
        header(PatchStrategy.JsonPatch),
      ),
      await applyConfigMap(ns),
    ];
    expect(writes.map((w) => w.metadata?.resourceVersion)).toEqual(writes.map(() => rv));
    expect((await contract.core.readNamespacedConfigMap(target)).metadata?.resourceVersion).toBe(rv);

    await contract.core.patchNamespacedConfigMap(
      { ...target, body: { data: { k: 'changed' } } },
      header(PatchStrategy.MergePatch),
    );
    const first = await events.next('the marker write');
    expect(summary(first)).toBe('MODIFIED c');
    expect(first.object.data).toEqual({ k: 'changed' });
  });

  it('checklist 4: re-sending a defaulted Deployment or an identical custom resource persists nothing', async () => {
    const ns = await contract.namespace();
    const deployment = await contract.apps.createNamespacedDeployment({
      namespace: ns,
      body: idleDeployment('web'),
    });
    const crd = await installWidgetCrd(contract);
    const widgets = new Widgets(contract.custom, crd, ns);
    const created = await widgets.create(widget(crd, 'w', { size: 1, nested: {} }));
    const watchWidgets = await watch(contract.kc, `/apis/${crd.group}/v1/namespaces/${ns}/widgets`, {
      resourceVersion: String(created.metadata?.resourceVersion),
    });

    // The stored Deployment already carries every server default, so sending it back is a no-op.
    // (On a cluster the deployment controller may write status in between: read again on 409.)
    const [live, replaced] = await eventually(async () => {
      const read = await contract.apps.readNamespacedDeployment({ namespace: ns, name: 'web' });
      return [
        read,
        await contract.apps.replaceNamespacedDeployment({ namespace: ns, name: 'web', body: read }),
      ];
    }, 'an unconflicted replace');
    expect(replaced.metadata?.resourceVersion).toBe(live.metadata?.resourceVersion);
    expect(replaced.metadata?.generation).toBe(deployment.metadata?.generation);

    const same = await widgets.replace(created);
    const merged = await widgets.patch('w', { spec: { size: 1, color: 'red' } });
    expect([same.metadata?.resourceVersion, merged.metadata?.resourceVersion]).toEqual([
      created.metadata?.resourceVersion,
      created.metadata?.resourceVersion,
    ]);
    await widgets.patch('w', { spec: { size: 2 } });
    const first = await watchWidgets.next('the marker write');
    expect(summary(first)).toBe('MODIFIED w');
    expect(first.object.spec).toMatchObject({ size: 2 });
  });
});
