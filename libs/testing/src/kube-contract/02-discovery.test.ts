// Checklist 2: discovery for built-ins and Established CRDs, each main entry listed before its
// subresources (client-node's KubernetesObjectApi takes the first entry whose kind matches).
import { ApisApi, CoreApi, VersionApi, type V1APIResource } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventually, failure, useContract, type Obj } from './test-support/contract.js';
import { installWidgetCrd, widget, Widgets } from './test-support/widgets.js';

const contract = useContract();

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function indexOf(resources: V1APIResource[], name: string): number {
  const index = resources.findIndex((r) => r.name === name);
  expect(index, `${name} is listed`).toBeGreaterThanOrEqual(0);
  return index;
}

function entry(resources: V1APIResource[], name: string): V1APIResource {
  return resources[indexOf(resources, name)] as V1APIResource;
}

async function groupNames(): Promise<string[]> {
  const groups = await contract.kc.makeApiClient(ApisApi).getAPIVersions();
  return groups.groups.map((g) => g.name);
}

describe('checklist 2: discovery', () => {
  it('checklist 2: /version, /api and /apis describe the server and its groups', async () => {
    const version = await contract.kc.makeApiClient(VersionApi).getCode();
    expect(version.major).toBe('1');
    expect(version.gitVersion).toMatch(/^v1\.\d+/);
    const core = await contract.kc.makeApiClient(CoreApi).getAPIVersions();
    expect(core.versions).toEqual(['v1']);
    const groups = await contract.kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name)).not.toContain('');
    const apps = groups.groups.find((g) => g.name === 'apps');
    expect(apps?.preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
    expect(apps?.versions).toContainEqual({ groupVersion: 'apps/v1', version: 'v1' });
  });

  it('checklist 2: built-in resource lists carry scope, kind, verbs, short names and subresources after main entries', async () => {
    const coreResources = (await contract.core.getAPIResources()).resources;
    expect(entry(coreResources, 'configmaps')).toMatchObject({ namespaced: true, kind: 'ConfigMap' });
    expect(entry(coreResources, 'configmaps').verbs.slice().sort()).toEqual(ALL_VERBS);
    expect(entry(coreResources, 'configmaps').shortNames).toContain('cm');
    const namespaces = entry(coreResources, 'namespaces');
    expect(namespaces).toMatchObject({ namespaced: false, kind: 'Namespace' });
    expect(namespaces.verbs).not.toContain('deletecollection');
    expect(indexOf(coreResources, 'pods')).toBeLessThan(indexOf(coreResources, 'pods/status'));
    expect(entry(coreResources, 'pods/status').verbs.slice().sort()).toEqual(['get', 'patch', 'update']);

    const appsResources = (await contract.apps.getAPIResources()).resources;
    const deployments = indexOf(appsResources, 'deployments');
    expect(deployments).toBeLessThan(indexOf(appsResources, 'deployments/status'));
    expect(deployments).toBeLessThan(indexOf(appsResources, 'deployments/scale'));
    expect(entry(appsResources, 'deployments/status').kind).toBe('Deployment');
    expect(entry(appsResources, 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    expect(entry(appsResources, 'deployments').categories).toContain('all');
  });

  it('checklist 2: an Established CRD is discovered (main entry first) and dropped once deleted', async () => {
    const crd = await installWidgetCrd(contract);
    await eventually(async () => (await groupNames()).includes(crd.group), `${crd.group} in /apis`);
    const resources = await eventually(async () => {
      const list = await contract.custom.getAPIResources({ group: crd.group, version: 'v1' });
      return list.resources.some((r) => r.name === 'widgets/status') && list.resources;
    }, `widgets in /apis/${crd.group}/v1`);
    expect(entry(resources, 'widgets')).toMatchObject({
      namespaced: true,
      kind: 'Widget',
      singularName: 'widget',
    });
    expect(entry(resources, 'widgets').verbs.slice().sort()).toEqual(ALL_VERBS);
    expect(indexOf(resources, 'widgets')).toBeLessThan(indexOf(resources, 'widgets/status'));

    // KubernetesObjectApi resolves the kind through that discovery document.
    const ns = await contract.namespace();
    const created = await contract.objects.create<Obj>({
      ...widget(crd, 'w'),
      metadata: { name: 'w', namespace: ns },
    });
    expect(created.metadata?.uid).toBeTruthy();
    expect((await new Widgets(contract.custom, crd, ns).get('w')).spec).toMatchObject({ size: 1 });

    await contract.extensions.deleteCustomResourceDefinition({ name: crd.name });
    await eventually(async () => !(await groupNames()).includes(crd.group), `${crd.group} to leave /apis`);
    const gone = await failure(contract.custom.getAPIResources({ group: crd.group, version: 'v1' }));
    expect(gone.code).toBe(404);
  });
});
