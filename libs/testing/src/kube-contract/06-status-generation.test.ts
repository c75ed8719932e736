// Checklist 6: the status subresource isolates status from the main resource both ways, create drops
// status, and generation counts desired-state changes only (Deployments: spec or annotations).
import { PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, useContract } from './test-support/contract.js';
import { installWidgetCrd, widget, Widgets, type WidgetCrd } from './test-support/widgets.js';
import { idleDeployment } from './test-support/workloads.js';

const contract = useContract();
let crd: WidgetCrd;
beforeAll(async () => {
  crd = await installWidgetCrd(contract);
});

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const widgetsInFreshNamespace = () => Widgets.inFreshNamespace(contract, crd);

/** With a status of its own, which create must drop. */
function deployment(name: string): V1Deployment {
  return { ...idleDeployment(name), status: { replicas: 5, observedGeneration: 7 } };
}

describe('checklist 6: status isolation, create drops status, generation rules', () => {
  it('checklist 6: create drops status; main-resource writes keep the stored status', async () => {
    const widgets = await widgetsInFreshNamespace();
    const created = await widgets.create({ ...widget(crd, 'w'), status: { phase: 'Invented' } });
    expect(created.status).toBeUndefined();
    expect(created.metadata?.generation).toBe(1);
    const withStatus = await widgets.patchStatus('w', { status: { phase: 'Ready' } });
    expect(withStatus.status).toEqual({ phase: 'Ready' });

    const replaced = await widgets.replace({
      ...withStatus,
      spec: { size: 2 },
      status: { phase: 'Overwritten' },
    });
    expect(replaced.spec).toMatchObject({ size: 2 });
    expect(replaced.status).toEqual({ phase: 'Ready' });
    const patched = await widgets.patch('w', { spec: { size: 3 }, status: { phase: 'Patched' } });
    expect(patched.status).toEqual({ phase: 'Ready' });
    const applied = await widgets.patch(
      'w',
      { ...widget(crd, 'w', { size: 3 }), status: { phase: 'Applied' } },
      PatchStrategy.ServerSideApply,
      { fieldManager: 'contract', force: true },
    );
    expect(applied.status).toEqual({ phase: 'Ready' });
    expect((await widgets.get('w')).status).toEqual({ phase: 'Ready' });
  });

  it('checklist 6: /status writes keep spec and never bump generation; /status never creates', async () => {
    const widgets = await widgetsInFreshNamespace();
    const created = await widgets.create(widget(crd, 'w', { size: 1 }));
    const replaced = await widgets.replaceStatus({
      ...created,
      spec: { size: 9 },
      status: { phase: 'Ready', replicas: 1 },
    });
    expect(replaced.spec).toMatchObject({ size: 1 });
    expect(replaced.status).toEqual({ phase: 'Ready', replicas: 1 });
    const patched = await widgets.patchStatus('w', { spec: { size: 8 }, status: { observedGeneration: 1 } });
    expect(patched.spec).toMatchObject({ size: 1 });
    expect(patched.status).toEqual({ phase: 'Ready', replicas: 1, observedGeneration: 1 });
    expect(patched.metadata?.generation).toBe(1);

    const missing = await failure(widgets.patchStatus('absent', { status: { phase: 'Ready' } }));
    expect([missing.code, missing.status?.reason]).toEqual([404, 'NotFound']);
    expect((await failure(widgets.get('absent'))).code).toBe(404);
  });

  it('checklist 6: custom resource generation counts spec changes, not metadata or status, and deletion', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.create({
      ...widget(crd, 'w'),
      metadata: { name: 'w', finalizers: ['contract.flotilla.dev/hold'] },
    });
    const generation = async () => (await widgets.get('w')).metadata?.generation;
    await widgets.patch('w', { metadata: { labels: { a: 'b' }, annotations: { note: 'x' } } });
    await widgets.patchStatus('w', { status: { phase: 'Ready' } });
    expect(await generation()).toBe(1);
    await widgets.patch('w', { spec: { size: 2 } });
    expect(await generation()).toBe(2);
    await widgets.patch('w', { spec: { size: 2 } });
    expect(await generation()).toBe(2);
    await widgets.delete('w');
    expect(await generation()).toBe(3);
    await widgets.patch('w', { metadata: { finalizers: null } });
    expect((await failure(widgets.get('w'))).code).toBe(404);
  });

  it('checklist 6: Deployment create drops status; generation follows spec and annotations, not labels or status', async () => {
    const ns = await contract.namespace();
    const created = await contract.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('web'),
    });
    expect(created.status?.replicas).toBeUndefined();
    expect(created.status?.observedGeneration).toBeUndefined();
    expect(created.metadata?.generation).toBe(1);
    const patch = (body: object) =>
      contract.apps.patchNamespacedDeployment({ namespace: ns, name: 'web', body }, merge);

    expect((await patch({ metadata: { labels: { team: 'a' } } })).metadata?.generation).toBe(1);
    const status = await contract.apps.patchNamespacedDeploymentStatus(
      { namespace: ns, name: 'web', body: { status: { observedGeneration: 1 } } },
      merge,
    );
    expect(status.metadata?.generation).toBe(1);
    expect((await patch({ metadata: { annotations: { rollout: '1' } } })).metadata?.generation).toBe(2);
    expect((await patch({ spec: { minReadySeconds: 5 } })).metadata?.generation).toBe(3);
    const ignoredStatus = await patch({ status: { observedGeneration: 99 } });
    expect(ignoredStatus.status?.observedGeneration).not.toBe(99);
    expect(ignoredStatus.metadata?.generation).toBe(3);
  });
});
