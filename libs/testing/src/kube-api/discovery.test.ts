// Discovery (kube-api.md §1; checklist 2).
import { describe, expect, it } from 'vitest';
import { startFileKubeApi } from './test-support/file-server.js';
import { widgetCrd } from './test-support/fixtures.js';
import { eventually } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi();

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  group?: string;
  version?: string;
  singularName: string;
  shortNames?: string[];
}

describe('discovery', () => {
  it('/api lists v1 with the server address', async () => {
    const response = await raw.get('/api');
    expect(response.body).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${server.port}` }],
    });
  });

  it('/api/v1 lists core kinds with scope, verbs and subresources after their main entry', async () => {
    const { body } = await raw.get('/api/v1');
    expect(body).toMatchObject({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1' });
    const resources = body.resources as ApiResource[];
    const names = resources.map((r) => r.name);
    for (const name of [
      'namespaces',
      'configmaps',
      'secrets',
      'serviceaccounts',
      'events',
      'services',
      'pods',
    ]) {
      expect(names).toContain(name);
    }
    const ns = resources.find((r) => r.name === 'namespaces');
    expect(ns).toMatchObject({
      namespaced: false,
      kind: 'Namespace',
      singularName: 'namespace',
      shortNames: ['ns'],
    });
    expect(ns?.verbs).not.toContain('deletecollection');
    expect(resources.find((r) => r.name === 'configmaps')?.verbs.sort()).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    expect(names.indexOf('namespaces')).toBeLessThan(names.indexOf('namespaces/status'));
    expect(names.indexOf('pods')).toBeLessThan(names.indexOf('pods/status'));
    expect(resources.find((r) => r.name === 'pods/status')).toMatchObject({
      singularName: '',
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('/apis/apps/v1: deployments before deployments/scale (autoscaling/v1 Scale) and deployments/status', async () => {
    const { body } = await raw.get('/apis/apps/v1');
    const resources = body.resources as ApiResource[];
    const names = resources.map((r) => r.name);
    const main = names.indexOf('deployments');
    expect(main).toBeLessThan(names.indexOf('deployments/scale'));
    expect(main).toBeLessThan(names.indexOf('deployments/status'));
    expect(resources.find((r) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    expect(resources.find((r) => r.kind === 'Deployment')?.name).toBe('deployments');
    expect(resources.find((r) => r.name === 'deployments')?.shortNames).toEqual(['deploy']);
  });

  it('/apis lists named groups with preferred versions and no core group', async () => {
    const { body } = await raw.get('/apis');
    expect(body.kind).toBe('APIGroupList');
    const groups = body.groups as { name: string; preferredVersion: { groupVersion: string } }[];
    const names = groups.map((g) => g.name);
    for (const g of [
      'apps',
      'batch',
      'rbac.authorization.k8s.io',
      'apiextensions.k8s.io',
      'coordination.k8s.io',
      'events.k8s.io',
    ]) {
      expect(names).toContain(g);
    }
    expect(names).not.toContain('');
    expect(groups.find((g) => g.name === 'apps')?.preferredVersion).toEqual({
      groupVersion: 'apps/v1',
      version: 'v1',
    });
    const apps = await raw.get('/apis/apps');
    expect(apps.body).toMatchObject({
      kind: 'APIGroup',
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
    });
  });

  it('unserved group versions are 404', async () => {
    expect((await raw.get('/apis/apps/v1beta1')).status).toBe(404);
    expect((await raw.get('/apis/example.com')).status).toBe(404);
  });

  it('CRD kinds appear once Established and disappear when the CRD is deleted', async () => {
    const crd = widgetCrd({ group: 'disco.example.com', scale: true, extraVersions: ['v1beta1'] });
    expect((await raw.get('/apis/disco.example.com/v1')).status).toBe(404);
    expect((await raw.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status).toBe(201);
    await eventually(
      async () => (await raw.get('/apis/disco.example.com/v1')).status === 200,
      3000,
      'CRD served',
    );
    const { body } = await raw.get('/apis/disco.example.com/v1');
    const resources = body.resources as ApiResource[];
    expect(resources.map((r) => r.name)).toEqual(['widgets', 'widgets/scale', 'widgets/status']);
    expect(resources[0]).toMatchObject({
      kind: 'Widget',
      namespaced: true,
      singularName: 'widget',
      shortNames: ['wd'],
    });
    expect(resources[0]?.verbs.sort()).toEqual([
      'create',
      'delete',
      'deletecollection',
      'get',
      'list',
      'patch',
      'update',
      'watch',
    ]);
    const group = await raw.get('/apis/disco.example.com');
    expect(group.body.preferredVersion).toEqual({ groupVersion: 'disco.example.com/v1', version: 'v1' });
    expect(group.body.versions.map((v: { version: string }) => v.version)).toEqual(['v1', 'v1beta1']);
    const groups = (await raw.get('/apis')).body.groups as { name: string }[];
    expect(groups.map((g) => g.name)).toContain('disco.example.com');

    expect(
      (await raw.delete('/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.disco.example.com'))
        .status,
    ).toBe(200);
    await eventually(
      async () => (await raw.get('/apis/disco.example.com/v1')).status === 404,
      3000,
      'CRD gone',
    );
    const after = (await raw.get('/apis')).body.groups as { name: string }[];
    expect(after.map((g) => g.name)).not.toContain('disco.example.com');
    expect((await raw.get('/apis/disco.example.com/v1/namespaces/default/widgets')).status).toBe(404);
  });
});
