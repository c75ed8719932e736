// Checklist 10 (CRDs): CRD admission and establishment, then custom resources pruned, defaulted and
// validated against the structural schema, with 422 causes naming the offending field.
import { type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, useContract, type Failure } from './test-support/contract.js';
import {
  crdModel,
  installWidgetCrd,
  uniqueGroup,
  widget,
  widgetCrdObject,
  Widgets,
  type WidgetCrd,
} from './test-support/widgets.js';

const contract = useContract();
let crd: WidgetCrd;
let widgets: Widgets;
beforeAll(async () => {
  crd = await installWidgetCrd(contract);
  widgets = await Widgets.inFreshNamespace(contract, crd);
});

function expectCause(failed: Failure, reason: string, field: string): void {
  expect([failed.code, failed.status?.reason]).toEqual([422, 'Invalid']);
  expect(failed.status?.details?.causes).toContainEqual(expect.objectContaining({ reason, field }));
}

/** A Widget CRD in a fresh group, edited by `change` before it is sent. */
function editedCrd(change: (crd: V1CustomResourceDefinition) => void): V1CustomResourceDefinition {
  const model = crdModel(widgetCrdObject(uniqueGroup()));
  change(model);
  return model;
}

describe('checklist 10: CustomResourceDefinitions and schemas', () => {
  it('checklist 10: an accepted CRD has defaulted names, storedVersions and NamesAccepted/Established conditions', async () => {
    const read = await contract.extensions.readCustomResourceDefinition({ name: crd.name });
    expect(read.spec.names).toMatchObject({
      plural: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
    });
    expect(read.spec.conversion?.strategy).toBe('None');
    expect(read.status?.acceptedNames).toMatchObject({ plural: 'widgets', kind: 'Widget' });
    expect(read.status?.storedVersions).toEqual(['v1']);
    const conditions = new Map(read.status?.conditions?.map((c) => [c.type, c.status]));
    expect(conditions.get('NamesAccepted')).toBe('True');
    expect(conditions.get('Established')).toBe('True');
  });

  it('checklist 10: CRD names must be <plural>.<group>, schemas structural, and scope is immutable', async () => {
    const misnamed = editedCrd((c) => (c.metadata = { name: `gadgets.${c.spec.group}` }));
    expect((await failure(contract.extensions.createCustomResourceDefinition({ body: misnamed }))).code).toBe(
      422,
    );
    const untyped = editedCrd((c) => {
      const spec = c.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
      if (spec?.properties) spec.properties.size = {};
    });
    const structural = await failure(contract.extensions.createCustomResourceDefinition({ body: untyped }));
    expect([structural.code, structural.status?.reason]).toEqual([422, 'Invalid']);

    const live = await contract.extensions.readCustomResourceDefinition({ name: crd.name });
    const rescoped = await failure(
      contract.extensions.replaceCustomResourceDefinition({
        name: crd.name,
        body: { ...live, spec: { ...live.spec, scope: 'Cluster' } },
      }),
    );
    expectCause(rescoped, 'FieldValueInvalid', 'spec.scope');
  });

  it('checklist 10: unknown fields are pruned except under x-kubernetes-preserve-unknown-fields', async () => {
    const created = await widgets.create({
      ...widget(crd, 'pruned', { size: 1, unknown: 'x', free: { any: { deep: [1, 2] } } }),
      extra: true,
    });
    expect(created.spec).toEqual({ size: 1, color: 'red', free: { any: { deep: [1, 2] } } });
    expect(created.extra).toBeUndefined();
    expect((await widgets.get('pruned')).spec?.unknown).toBeUndefined();
  });

  it('checklist 10: defaults fill absent fields, nested ones only where the parent exists', async () => {
    const plain = await widgets.create(widget(crd, 'plain', { size: 1 }));
    expect(plain.spec).toEqual({ size: 1, color: 'red' });
    const nested = await widgets.create(widget(crd, 'nested', { size: 1, color: 'green', nested: {} }));
    expect(nested.spec).toEqual({ size: 1, color: 'green', nested: { inner: 'filled' } });
    const nulled = await widgets.create(widget(crd, 'nulled', { size: 1, color: null }));
    expect(nulled.spec?.color).toBe('red');
  });

  it('checklist 10: schema violations are 422 with one cause per offending field', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ size: 'big' }, 'FieldValueTypeInvalid', 'spec.size'],
      [{ size: -1 }, 'FieldValueInvalid', 'spec.size'],
      [{ size: 1, color: 'purple' }, 'FieldValueNotSupported', 'spec.color'],
      [{ color: 'red' }, 'FieldValueRequired', 'spec.size'],
      [{ size: 1, ports: [{ name: 'a' }, { name: 'a' }] }, 'FieldValueDuplicate', 'spec.ports[1]'],
    ];
    for (const [spec, reason, field] of cases) {
      const failed = await failure(widgets.create(widget(crd, 'invalid', spec)));
      expectCause(failed, reason, field);
      expect(failed.status?.details).toMatchObject({ name: 'invalid', kind: 'Widget', group: crd.group });
    }
    expect((await failure(widgets.get('invalid'))).code).toBe(404);
  });
});
