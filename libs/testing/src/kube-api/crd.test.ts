// CustomResourceDefinitions and custom resources (kube-api.md §7; checklist 10).
import { describe, expect, it } from 'vitest';
import { createNamespace, startFileKubeApi } from './test-support/file-server.js';
import { widget, widgetCrd } from './test-support/fixtures.js';
import { eventually } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi({ crds: [widgetCrd({ extraVersions: ['v1beta1'] })] });

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const MERGE = 'application/merge-patch+json';

const namespace = () => createNamespace(raw, 'c');
const widgets = (ns: string, version = 'v1') => `/apis/example.com/${version}/namespaces/${ns}/widgets`;

async function established(name: string) {
  return eventually(
    async () => {
      const crd = (await raw.get(`${CRDS}/${name}`)).body;
      const conditions = (crd.status?.conditions ?? []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? crd : undefined;
    },
    3000,
    `${name} established`,
  );
}

describe('CRD objects', () => {
  it('are created with an empty status, then accepted and Established with storedVersions', async () => {
    const crd = widgetCrd({ group: 'est.example.com' });
    const created = await raw.post(CRDS, crd);
    expect(created.status).toBe(201);
    expect(created.body.status ?? {}).not.toHaveProperty('conditions');
    expect(created.body.spec.names.listKind).toBe('WidgetList');
    expect(created.body.spec.conversion).toEqual({ strategy: 'None' });
    const ready = await established('widgets.est.example.com');
    expect(ready.status.storedVersions).toEqual(['v1']);
    expect(ready.status.acceptedNames).toMatchObject({
      plural: 'widgets',
      kind: 'Widget',
      singular: 'widget',
      listKind: 'WidgetList',
    });
    const names = ready.status.conditions.find((c: { type: string }) => c.type === 'NamesAccepted');
    expect(names).toMatchObject({ status: 'True', reason: 'NoConflicts' });
    expect(ready.metadata.generation).toBe(1);
  });

  it('reject a name other than <plural>.<group>, no or two storage versions, missing or non-structural schemas', async () => {
    const wrongName = widgetCrd({ group: 'bad.example.com' });
    (wrongName.metadata as { name: string }).name = 'other.bad.example.com';
    const response = await raw.post(CRDS, wrongName);
    expect(response.status).toBe(422);
    expect(response.body.details.causes.map((c: { field: string }) => c.field)).toContain('metadata.name');

    const noStorage = widgetCrd({ group: 'bad2.example.com' });
    (noStorage.spec as { versions: { storage: boolean }[] }).versions[0]!.storage = false;
    expect((await raw.post(CRDS, noStorage)).status).toBe(422);

    const noSchema = widgetCrd({ group: 'bad3.example.com' });
    delete (noSchema.spec as { versions: { schema?: unknown }[] }).versions[0]!.schema;
    const schemaMissing = await raw.post(CRDS, noSchema);
    expect(schemaMissing.status).toBe(422);
    expect(schemaMissing.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueRequired',
      field: 'spec.versions[0].schema.openAPIV3Schema',
    });

    const untyped = widgetCrd({ group: 'bad4.example.com' });
    (untyped.spec as { versions: { schema: unknown }[] }).versions[0]!.schema = {
      openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } },
    };
    expect((await raw.post(CRDS, untyped)).status).toBe(422);
  });

  it('scope is immutable; a version still in storedVersions cannot be removed', async () => {
    const crd = (await raw.get(`${CRDS}/widgets.example.com`)).body;
    const rescoped = await raw.put(`${CRDS}/widgets.example.com`, {
      ...crd,
      spec: { ...crd.spec, scope: 'Cluster' },
    });
    expect(rescoped.status).toBe(422);
    const group = 'stored.example.com';
    await raw.post(CRDS, widgetCrd({ group, extraVersions: ['v2'] }));
    const ready = await established(`widgets.${group}`);
    const versions = ready.spec.versions.map((v: { name: string; storage: boolean }) => ({
      ...v,
      storage: v.name === 'v2',
    }));
    const moved = await raw.put(`${CRDS}/widgets.${group}`, { ...ready, spec: { ...ready.spec, versions } });
    expect(moved.status).toBe(200);
    const after = await eventually(
      async () => {
        const crd2 = (await raw.get(`${CRDS}/widgets.${group}`)).body;
        return crd2.status.storedVersions.length === 2 ? crd2 : undefined;
      },
      3000,
      'storedVersions updated',
    );
    expect(after.status.storedVersions).toEqual(['v1', 'v2']);
    const dropV1 = after.spec.versions.filter((v: { name: string }) => v.name !== 'v1');
    const refused = await raw.put(`${CRDS}/widgets.${group}`, {
      ...after,
      spec: { ...after.spec, versions: dropV1 },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details.causes[0].field).toBe('status.storedVersions[0]');
  });
});

describe('custom resources', () => {
  it('validate against the schema: 422 Invalid with field paths and the Kind in details', async () => {
    const ns = await namespace();
    const response = await raw.post(
      widgets(ns),
      widget('w', { size: 'big', color: 'pink', nested: { name: 'UPPER' } }),
    );
    expect(response.status).toBe(422);
    expect(response.body.details).toMatchObject({ name: 'w', group: 'example.com', kind: 'Widget' });
    const causes = response.body.details.causes as { reason: string; field: string }[];
    expect(causes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'FieldValueTypeInvalid', field: 'spec.size' }),
        expect.objectContaining({ reason: 'FieldValueNotSupported', field: 'spec.color' }),
        expect.objectContaining({ reason: 'FieldValueInvalid', field: 'spec.nested.name' }),
      ]),
    );
    const required = await raw.post(widgets(ns), widget('r', {}));
    expect(required.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueRequired',
      field: 'spec.size',
    });
    const negative = await raw.post(widgets(ns), widget('n', { size: -1 }));
    expect(negative.status).toBe(422);
    const duplicate = await raw.post(widgets(ns), widget('d', { size: 1, tagSet: ['a', 'a'] }));
    expect(duplicate.body.details.causes[0]).toMatchObject({ reason: 'FieldValueDuplicate' });
  });

  it('prune unknown fields (Warning), keep preserve-unknown-fields subtrees, accept int-or-string', async () => {
    const ns = await namespace();
    const response = await raw.post(widgets(ns), {
      ...widget('p', { size: 1, bogus: true, port: 'http', free: { anything: { goes: [1, 2] } } }),
      extra: 1,
    });
    expect(response.status).toBe(201);
    expect(response.body.spec.bogus).toBeUndefined();
    expect(response.body.extra).toBeUndefined();
    expect(response.body.spec.free).toEqual({ anything: { goes: [1, 2] } });
    expect(response.body.spec.port).toBe('http');
    expect(response.headers.get('warning')).toContain('spec.bogus');
    const numeric = await raw.post(widgets(ns), widget('q', { size: 1, port: 8080 }));
    expect(numeric.body.spec.port).toBe(8080);
    const wrong = await raw.post(widgets(ns), widget('z', { size: 1, port: 1.5 }));
    expect(wrong.status).toBe(422);
    const strict = await raw.post(
      `${widgets(ns)}?fieldValidation=Strict`,
      widget('s', { size: 1, bogus: true }),
    );
    expect(strict.status).toBe(400);
  });

  it('apply defaults, nested only where the parent exists; nulls in non-nullable fields are dropped', async () => {
    const ns = await namespace();
    const plain = await raw.post(widgets(ns), widget('d', { size: 1 }));
    expect(plain.body.spec.color).toBe('red');
    expect(plain.body.spec.nested).toBeUndefined();
    const nested = await raw.post(widgets(ns), widget('e', { size: 1, nested: {}, color: null }));
    expect(nested.body.spec.nested).toEqual({ inner: 'filled' });
    expect(nested.body.spec.color).toBe('red');
  });

  it('are served at every served version (conversion None rewrites apiVersion); unserved versions are 404', async () => {
    const ns = await namespace();
    await raw.post(widgets(ns), widget('v'));
    const beta = await raw.get(`${widgets(ns, 'v1beta1')}/v`);
    expect(beta.status).toBe(200);
    expect(beta.body.apiVersion).toBe('example.com/v1beta1');
    const created = await raw.post(widgets(ns, 'v1beta1'), {
      ...widget('b'),
      apiVersion: 'example.com/v1beta1',
    });
    expect(created.status).toBe(201);
    expect((await raw.get(`${widgets(ns)}/b`)).body.apiVersion).toBe('example.com/v1');
    expect((await raw.get(`${widgets(ns, 'v2')}/b`)).status).toBe(404);
    const mismatch = await raw.post(widgets(ns), { ...widget('m'), apiVersion: 'example.com/v1beta1' });
    expect(mismatch.status).toBe(400);
  });

  it('are 404 before their CRD is Established', async () => {
    const ns = await namespace();
    expect((await raw.get(`/apis/late.example.com/v1/namespaces/${ns}/widgets`)).status).toBe(404);
  });

  it('deleting a CRD refuses new CRs (405), deletes existing ones honouring finalizers, ends watches, then goes', async () => {
    const group = 'gone.example.com';
    await raw.post(CRDS, widgetCrd({ group }));
    await established(`widgets.${group}`);
    const ns = await namespace();
    const path = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    await raw.post(path, widget('plain', { size: 1 }, group));
    await raw.post(path, {
      ...widget('held', { size: 1 }, group),
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    const stream = await raw.watch(`${path}?resourceVersion=${server.resourceVersion}`);
    const deleted = await raw.delete(`${CRDS}/widgets.${group}`);
    expect(deleted.body.metadata.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    const refused = await raw.post(path, widget('new', { size: 1 }, group));
    expect(refused.status).toBe(405);
    await eventually(async () => (await raw.get(`${path}/plain`)).status === 404, 3000, 'plain CR deleted');
    expect((await raw.get(`${path}/held`)).body.metadata.deletionTimestamp).toBeTruthy();
    const crd = (await raw.get(`${CRDS}/widgets.${group}`)).body;
    expect(crd.status.conditions.find((c: { type: string }) => c.type === 'Terminating')?.status).toBe(
      'True',
    );
    await raw.patch(`${path}/held`, { metadata: { finalizers: null } }, MERGE);
    await eventually(
      async () => (await raw.get(`${CRDS}/widgets.${group}`)).status === 404,
      3000,
      'CRD gone',
    );
    expect(await stream.waitForEnd()).toBe(true);
    expect((await raw.get(path)).status).toBe(404);
  });

  it('a CRD change that alters what is served ends CR watches', async () => {
    const group = 'change.example.com';
    await raw.post(CRDS, widgetCrd({ group }));
    const ready = await established(`widgets.${group}`);
    const ns = await namespace();
    const stream = await raw.watch(
      `/apis/${group}/v1/namespaces/${ns}/widgets?resourceVersion=${server.resourceVersion}`,
    );
    const versions = [...ready.spec.versions, { ...ready.spec.versions[0], name: 'v2', storage: false }];
    expect(
      (await raw.put(`${CRDS}/widgets.${group}`, { ...ready, spec: { ...ready.spec, versions } })).status,
    ).toBe(200);
    expect(await stream.waitForEnd()).toBe(true);
    await eventually(async () => (await raw.get(`/apis/${group}/v2`)).status === 200, 3000, 'v2 served');
  });

  it('cluster-scoped custom resources live outside namespaces; field selectors on name work', async () => {
    const group = 'cluster.example.com';
    await raw.post(CRDS, widgetCrd({ group, scope: 'Cluster' }));
    await established(`widgets.${group}`);
    const path = `/apis/${group}/v1/widgets`;
    const created = await raw.post(path, {
      ...widget('c', { size: 1 }, group),
      metadata: { name: 'c', namespace: 'x' },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.namespace).toBeUndefined();
    expect((await raw.get(`/apis/${group}/v1/namespaces/default/widgets`)).status).toBe(404);
    const list = await raw.get(`${path}?fieldSelector=metadata.name%3Dc`);
    expect(list.body.items).toHaveLength(1);
  });

  it('a kind already served in the group is refused: NamesAccepted=False, not Established, not served', async () => {
    const group = 'clash.example.com';
    await raw.post(CRDS, widgetCrd({ group }));
    await established(`widgets.${group}`);
    const twin = widgetCrd({ group });
    (twin.metadata as { name: string }).name = `gadgets.${group}`;
    (twin.spec as { names: Record<string, unknown> }).names = {
      plural: 'gadgets',
      singular: 'gadget',
      kind: 'Widget',
    };
    expect((await raw.post(CRDS, twin)).status).toBe(201);
    const refused = await eventually(
      async () => {
        const crd = (await raw.get(`${CRDS}/gadgets.${group}`)).body;
        return crd.status?.conditions?.length ? crd : undefined;
      },
      3000,
      'conditions',
    );
    const byType = Object.fromEntries(
      refused.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]),
    );
    expect(byType).toEqual({ NamesAccepted: 'False', Established: 'False' });
    const served = await raw.get(`/apis/${group}/v1`);
    expect(served.body.resources.map((r: { name: string }) => r.name)).not.toContain('gadgets');
  });

  it('selectableFields extend field selectors; the scale subresource follows the CRD paths', async () => {
    const group = 'select.example.com';
    const crd = widgetCrd({ group, scale: true });
    const version = (crd.spec as { versions: Record<string, unknown>[] }).versions[0] as Record<
      string,
      unknown
    >;
    version.selectableFields = [{ jsonPath: '.spec.color' }];
    await raw.post(CRDS, crd);
    await established(`widgets.${group}`);
    const ns = await namespace();
    const path = `/apis/${group}/v1/namespaces/${ns}/widgets`;
    await raw.post(path, widget('r', { size: 1, color: 'red', replicas: 2, selector: 'app=r' }, group));
    await raw.post(path, widget('b', { size: 1, color: 'blue' }, group));
    const blue = await raw.get(`${path}?fieldSelector=spec.color%3Dblue`);
    expect(blue.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['b']);
    expect((await raw.get(`${path}?fieldSelector=spec.size%3D1`)).status).toBe(400);
    const scale = await raw.get(`${path}/r/scale`);
    expect(scale.body).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 2 },
      status: { replicas: 0, selector: 'app=r' },
    });
    await raw.put(`${path}/r/scale`, { ...scale.body, spec: { replicas: 5 } });
    expect((await raw.get(`${path}/r`)).body.spec.replicas).toBe(5);
  });
});
