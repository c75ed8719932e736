import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { at, DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

function kinds(resources: ReadonlyArray<Record<string, unknown>>): string[] {
  return resources.map(
    (object) => `${String(object['kind'])}/${String((object['metadata'] as { name: string }).name)}`,
  );
}

describe('resources', () => {
  it('loads files, multi-document files, Lists and nested kustomization directories', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- deploy.yaml\n- multi.yaml\n- list.yaml\n- sub\n',
      'deploy.yaml': DEPLOYMENT,
      'multi.yaml':
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      'list.yaml':
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n',
      'sub/Kustomization': 'resources:\n- svc.yaml\n',
      'sub/svc.yaml': SERVICE,
    });
    expect(kinds(build(root).resources)).toEqual([
      'ConfigMap/a',
      'ConfigMap/b',
      'Secret/s',
      'Service/web',
      'Deployment/web',
    ]);
  });

  it('accepts the legacy bases field and kustomization.yml', () => {
    const root = writeTree({
      'overlay/kustomization.yml': 'bases:\n- ../base\n',
      'base/kustomization.yaml': 'resources:\n- svc.yaml\n',
      'base/svc.yaml': SERVICE,
    });
    expect(kinds(build(`${root}/overlay`, { root }).resources)).toEqual(['Service/web']);
  });

  it('applies components to the resources accumulated before them', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\ncomponents:\n- comp\n',
      'svc.yaml': SERVICE,
      'comp/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  team: a\n',
    });
    const [service] = build(root).resources;
    expect(at(service, 'metadata')).toEqual({ name: 'web', annotations: { team: 'a' } });
  });

  it('matches kustomization field names case-insensitively like Go', () => {
    const root = writeTree({
      'kustomization.yaml': 'Resources:\n- svc.yaml\nNamePrefix: p-\n',
      'svc.yaml': SERVICE,
    });
    expect(kinds(build(root).resources)).toEqual(['Service/p-web']);
  });
});

describe('namespace, prefix and suffix', () => {
  it('sets namespaces on namespaced kinds, renames Namespace objects and leaves cluster kinds alone', () => {
    const root = writeTree({
      'kustomization.yaml': 'namespace: prod\nresources:\n- all.yaml\n',
      'all.yaml':
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: system\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n---\n' +
        SERVICE,
    });
    const resources = build(root).resources;
    expect(resources.map((object) => object['metadata'])).toEqual([
      { name: 'prod' },
      { name: 'reader' },
      { name: 'web', namespace: 'prod' },
    ]);
  });

  it('prefixes and suffixes names and rewrites references to them', () => {
    const root = writeTree({
      'kustomization.yaml': 'namePrefix: a-\nnameSuffix: -z\nresources:\n- all.yaml\n',
      'all.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: bind
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: external
subjects:
- kind: ServiceAccount
  name: robot
---
apiVersion: v1
kind: Pod
metadata:
  name: pod
spec:
  serviceAccountName: robot
`,
    });
    const [account, binding, pod] = build(root).resources;
    expect(at(account, 'metadata')).toEqual({ name: 'a-robot-z' });
    expect(at(binding, 'roleRef')).toMatchObject({ name: 'external' });
    expect(at(binding, 'subjects')).toEqual([{ kind: 'ServiceAccount', name: 'a-robot-z' }]);
    expect(at(pod, 'spec')).toEqual({ serviceAccountName: 'a-robot-z' });
  });

  it('moves ServiceAccount subjects along with their namespace', () => {
    const root = writeTree({
      'kustomization.yaml': 'namespace: ops\nresources:\n- all.yaml\n',
      'all.yaml':
        'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n  namespace: default\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: bind\nroleRef:\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: robot\n  namespace: default\n',
    });
    const binding = build(root).resources.find((object) => object['kind'] === 'ClusterRoleBinding');
    expect(at(binding, 'subjects')).toEqual([{ kind: 'ServiceAccount', name: 'robot', namespace: 'ops' }]);
  });
});

describe('labels and annotations', () => {
  it('commonLabels reach metadata, selectors and pod templates', () => {
    const root = writeTree({
      'kustomization.yaml': 'commonLabels:\n  tier: front\nresources:\n- d.yaml\n- s.yaml\n',
      'd.yaml': DEPLOYMENT,
      's.yaml': SERVICE,
    });
    const [service, deployment] = build(root).resources;
    expect(at(service, 'spec.selector')).toEqual({ app: 'web', tier: 'front' });
    expect(at(deployment, 'spec.selector.matchLabels')).toEqual({ app: 'web', tier: 'front' });
    expect(at(deployment, 'spec.template.metadata.labels')).toEqual({ app: 'web', tier: 'front' });
    expect(at(deployment, 'metadata.labels')).toEqual({ tier: 'front' });
  });

  it('labels without includeSelectors touch metadata only; includeTemplates adds templates', () => {
    const root = writeTree({
      'kustomization.yaml':
        'labels:\n- pairs:\n    a: "1"\n- pairs:\n    b: "true"\n  includeTemplates: true\nresources:\n- d.yaml\n',
      'd.yaml': DEPLOYMENT,
    });
    const [deployment] = build(root).resources;
    expect(at(deployment, 'metadata.labels')).toEqual({ a: '1', b: 'true' });
    expect(at(deployment, 'spec.selector.matchLabels')).toEqual({ app: 'web' });
    expect(at(deployment, 'spec.template.metadata.labels')).toEqual({ app: 'web', b: 'true' });
  });

  it('labels with includeSelectors behave like commonLabels', () => {
    const root = writeTree({
      'kustomization.yaml': 'labels:\n- pairs:\n    a: x\n  includeSelectors: true\nresources:\n- s.yaml\n',
      's.yaml': SERVICE,
    });
    expect(at(build(root).resources[0], 'spec.selector')).toEqual({
      app: 'web',
      a: 'x',
    });
  });

  it('commonAnnotations reach metadata and pod templates', () => {
    const root = writeTree({
      'kustomization.yaml': 'commonAnnotations:\n  note: hi\nresources:\n- d.yaml\n',
      'd.yaml': DEPLOYMENT,
    });
    const [deployment] = build(root).resources;
    expect(at(deployment, 'metadata.annotations')).toEqual({ note: 'hi' });
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual({ note: 'hi' });
  });
});

describe('images and replicas', () => {
  it('rewrites images by name, keeping tags given as text', () => {
    const root = writeTree({
      'kustomization.yaml':
        'images:\n- name: nginx\n  newName: registry/nginx\n  newTag: 1.10\nresources:\n- d.yaml\n',
      'd.yaml': DEPLOYMENT,
    });
    const [deployment] = build(root).resources;
    expect(at(deployment, 'spec.template.spec.containers.0.image')).toBe('registry/nginx:1.10');
  });

  it('sets replicas on workloads by name', () => {
    const root = writeTree({
      'kustomization.yaml': 'namePrefix: p-\nreplicas:\n- name: web\n  count: 3\nresources:\n- d.yaml\n',
      'd.yaml': DEPLOYMENT,
    });
    expect(at(build(root).resources[0], 'spec.replicas')).toBe(3);
  });
});

describe('output', () => {
  it('sorts by kustomize legacy kind order and prints a YAML stream', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\n- ns.yaml\n',
      'd.yaml': DEPLOYMENT,
      's.yaml': SERVICE,
      'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n',
    });
    const result = build(root);
    expect(kinds(result.resources)).toEqual(['Namespace/x', 'Service/web', 'Deployment/web']);
    expect(result.yaml.split('---\n')).toHaveLength(3);
    expect(result.yaml).toContain('  ports:\n  - port: 80\n');
  });

  it('keeps accumulation order with sortOptions fifo', () => {
    const root = writeTree({
      'kustomization.yaml': 'sortOptions:\n  order: fifo\nresources:\n- d.yaml\n- s.yaml\n',
      'd.yaml': DEPLOYMENT,
      's.yaml': SERVICE,
    });
    expect(kinds(build(root).resources)).toEqual(['Deployment/web', 'Service/web']);
  });

  it('drops the trailing line break of a block scalar that ends the file without one', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- cm.yaml\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: |\n    line',
    });
    expect(at(build(root).resources[0], 'data')).toEqual({ k: 'line' });
  });
});

describe('output metadata', () => {
  it('drops empty annotations as Go kustomize does, and keeps empty labels', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- cm.yaml\n',
      'cm.yaml': [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {}\n  labels: {}\n',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n  labels:\n',
      ].join('---\n'),
    });
    const out = build(root).yaml;
    expect(out).not.toMatch(/annotations/);
    expect(out).toMatch(/labels: \{\}/);
    expect(out).toMatch(/labels: null/);
  });
});
