// Checklist 9: server-side apply. Ownership per field (checked only through manager names and
// operations), conflicts with Apply and Update owners, force, removal of omitted fields, and the list
// and map topologies (atomic, set, map) of custom resources and built-ins.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, useContract, type Failure, type Obj } from './test-support/contract.js';
import { installWidgetCrd, Widgets, type WidgetCrd } from './test-support/widgets.js';

const contract = useContract();
let crd: WidgetCrd;
beforeAll(async () => {
  crd = await installWidgetCrd(contract);
});

const widgetsInFreshNamespace = () => Widgets.inFreshNamespace(contract, crd);

function managers(obj: Obj): string[] {
  return (obj.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`).sort();
}

function expectConflict(failed: Failure, field: string): void {
  expect([failed.code, failed.status?.reason]).toEqual([409, 'Conflict']);
  expect(failed.status?.details?.causes).toContainEqual(
    expect.objectContaining({ reason: 'FieldManagerConflict', field }),
  );
}

const sorted = (value: unknown) => [...(value as string[])].sort();

describe('checklist 9: server-side apply', () => {
  it('checklist 9: appliers and updaters are recorded as managers with their operations', async () => {
    const widgets = await widgetsInFreshNamespace();
    const created = await widgets.apply('w', 'alpha', { size: 1 });
    expect(managers(created)).toEqual(['alpha/Apply']);
    await widgets.patch('w', { spec: { replicas: 2 } }, PatchStrategy.MergePatch, { fieldManager: 'beta' });
    const shared = await widgets.apply('w', 'gamma', { size: 1 });
    expect(managers(shared)).toEqual(['alpha/Apply', 'beta/Update', 'gamma/Apply']);
  });

  it('checklist 9: applying a value owned by another manager conflicts; equal values share; force takes over', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.apply('w', 'alpha', { size: 1, color: 'blue' });
    expectConflict(await failure(widgets.apply('w', 'beta', { size: 2 })), '.spec.size');
    await widgets.apply('w', 'beta', { size: 1 });

    const forced = await widgets.apply('w', 'beta', { size: 3 }, true);
    expect(forced.spec).toMatchObject({ size: 3, color: 'blue' });
    // alpha lost .spec.size to beta: its own old value now conflicts.
    expectConflict(await failure(widgets.apply('w', 'alpha', { size: 1, color: 'blue' })), '.spec.size');
    expect((await widgets.get('w')).spec).toMatchObject({ size: 3 });
  });

  it('checklist 9: a field set by an Update manager conflicts with a later applier', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.apply('w', 'alpha', { size: 1 });
    await widgets.patch('w', { spec: { replicas: 3 } }, PatchStrategy.MergePatch, { fieldManager: 'scaler' });
    expectConflict(await failure(widgets.apply('w', 'alpha', { size: 1, replicas: 4 })), '.spec.replicas');
    const forced = await widgets.apply('w', 'alpha', { size: 1, replicas: 4 }, true);
    expect(forced.spec).toMatchObject({ replicas: 4 });
    expect(managers(forced)).toEqual(['alpha/Apply']);
  });

  it('checklist 9: omitted fields are removed (or reset to defaults) unless another manager owns them', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.apply('w', 'alpha', {
      size: 1,
      color: 'blue',
      nested: { name: 'n' },
      labels: { a: '1', b: '2' },
    });
    await widgets.apply('w', 'beta', { size: 1, labels: { b: '2' } });
    const shrunk = await widgets.apply('w', 'alpha', { size: 1 });
    // color had a schema default; nested.name and label a had no other owner; label b is beta's too.
    expect(shrunk.spec?.color).toBe('red');
    expect(shrunk.spec?.nested).toBeUndefined();
    expect(shrunk.spec?.labels).toEqual({ b: '2' });
  });

  it('checklist 9: set lists merge per element and map lists per key across managers', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.apply('w', 'alpha', { size: 1, tagSet: ['a', 'b'], ports: [{ name: 'http', port: 80 }] });
    const merged = await widgets.apply('w', 'beta', {
      size: 1,
      tagSet: ['c'],
      ports: [{ name: 'metrics', port: 9090 }],
    });
    expect(sorted(merged.spec?.tagSet)).toEqual(['a', 'b', 'c']);
    expect((merged.spec?.ports as { name: string }[]).map((p) => p.name).sort()).toEqual(['http', 'metrics']);

    const dropped = await widgets.apply('w', 'alpha', { size: 1, tagSet: ['a'] });
    expect(sorted(dropped.spec?.tagSet)).toEqual(['a', 'c']);
    expect(dropped.spec?.ports).toEqual([{ name: 'metrics', port: 9090 }]);
    // Another manager's map item keeps its owner: a different value for it conflicts.
    expectConflict(
      await failure(widgets.apply('w', 'alpha', { size: 1, ports: [{ name: 'metrics', port: 1 }] })),
      '.spec.ports[name="metrics"].port',
    );
  });

  it('checklist 9: atomic lists have one owner: a different list conflicts, force replaces it whole', async () => {
    const widgets = await widgetsInFreshNamespace();
    await widgets.apply('w', 'alpha', { size: 1, tags: ['a', 'b'] });
    expectConflict(await failure(widgets.apply('w', 'beta', { size: 1, tags: ['c'] })), '.spec.tags');
    const forced = await widgets.apply('w', 'beta', { size: 1, tags: ['c'] }, true);
    expect(forced.spec?.tags).toEqual(['c']);
  });

  it('checklist 9: ConfigMap data keys are owned per manager', async () => {
    const ns = await contract.namespace();
    const apply = (manager: string, data: Record<string, string>) =>
      contract.core.patchNamespacedConfigMap(
        {
          namespace: ns,
          name: 'c',
          fieldManager: manager,
          body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data },
        },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      );
    await apply('alpha', { a: '1', shared: 's' });
    await apply('beta', { b: '2', shared: 's' });
    expect((await apply('alpha', {})).data).toEqual({ b: '2', shared: 's' });
    const conflict = await failure(apply('alpha', { b: 'mine' }));
    expectConflict(conflict, '.data.b');
  });
});
