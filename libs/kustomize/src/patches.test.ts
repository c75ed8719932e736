import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { KustomizeError } from './errors.js';
import { at, DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

function buildWith(
  kustomization: string,
  extra: Record<string, string> = {},
): Array<Record<string, unknown>> {
  const root = writeTree({
    'kustomization.yaml': kustomization,
    'd.yaml': DEPLOYMENT,
    's.yaml': SERVICE,
    ...extra,
  });
  return build(root).resources;
}

const SMP =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:2\n';

describe('patches', () => {
  it('applies a strategic merge patch from a file by merge key', () => {
    const [, deployment] = buildWith('resources:\n- d.yaml\n- s.yaml\npatches:\n- path: p.yaml\n', {
      'p.yaml': SMP,
    });
    expect(at(deployment, 'spec.template.spec.containers')).toEqual([{ name: 'web', image: 'nginx:2' }]);
  });

  it('applies inline JSON 6902 patches to targets chosen by regex', () => {
    const resources = buildWith(
      'resources:\n- d.yaml\n- s.yaml\npatches:\n- target:\n    kind: Dep.*\n    name: w.b\n  patch: |-\n    - op: add\n      path: /spec/replicas\n      value: 2\n',
    );
    expect(at(resources[1], 'spec.replicas')).toBe(2);
    expect(at(resources[0], 'spec.replicas')).toBeUndefined();
  });

  it('selects targets by label and annotation selectors', () => {
    const labelled = DEPLOYMENT.replace(
      '  name: web\n',
      '  name: web\n  labels:\n    tier: a\n  annotations:\n    x: y\n',
    );
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- d.yaml\n- s.yaml\npatches:\n- target:\n    labelSelector: tier in (a,b)\n    annotationSelector: x=y\n  patch: |-\n    - op: add\n      path: /metadata/annotations/hit\n      value: "yes"\n',
      'd.yaml': labelled,
      's.yaml': SERVICE,
    });
    const [service, deployment] = build(root).resources;
    expect(at(deployment, 'metadata.annotations')).toEqual({ x: 'y', hit: 'yes' });
    expect(at(service, 'metadata.annotations')).toBeUndefined();
  });

  it('applies a targeted strategic merge patch without renaming the target', () => {
    const patch = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: any\n  labels:\n    patched: "true"\n';
    const [service] = buildWith(
      `resources:\n- s.yaml\npatches:\n- target:\n    kind: Service\n  patch: |\n${indent(patch)}`,
    );
    expect(at(service, 'metadata')).toEqual({ name: 'web', labels: { patched: 'true' } });
  });

  it('lets replace create a missing object member, as kustomize does', () => {
    const [deployment] = buildWith(
      'resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/hostNetwork\n      value: true\n',
    );
    expect(at(deployment, 'spec.template.spec.hostNetwork')).toBe(true);
  });

  it('deletes resources with $patch: delete', () => {
    const patch = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n$patch: delete\n';
    const resources = buildWith(`resources:\n- d.yaml\n- s.yaml\npatches:\n- patch: |\n${indent(patch)}`);
    expect(resources.map((doc) => doc['kind'])).toEqual(['Deployment']);
  });

  it('fails naming the patch when an untargeted patch matches nothing', () => {
    const patch = SMP.replace('name: web\nspec', 'name: other\nspec');
    expect(() => buildWith('resources:\n- d.yaml\npatches:\n- path: p.yaml\n', { 'p.yaml': patch })).toThrow(
      /p\.yaml: no matches for Id Deployment\.v1\.apps\/other/,
    );
  });
});

describe('legacy patch fields', () => {
  it('patchesStrategicMerge takes files and inline patches', () => {
    const inline = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n';
    const resources = buildWith(
      `resources:\n- d.yaml\n- s.yaml\npatchesStrategicMerge:\n- p.yaml\n- |\n${indent(inline, 2)}`,
      {
        'p.yaml': SMP,
      },
    );
    expect(at(resources[0], 'spec.type')).toBe('NodePort');
    expect(at(resources[1], 'spec.template.spec.containers.0.image')).toBe('nginx:2');
  });

  it('patchesJson6902 applies file and inline operations to its target', () => {
    const resources = buildWith(
      'resources:\n- d.yaml\npatchesJson6902:\n- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: web\n  path: ops.yaml\n- target:\n    kind: Deployment\n    name: web\n  patch: \'[{"op": "add", "path": "/spec/paused", "value": true}]\'\n',
      { 'ops.yaml': '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:3\n' },
    );
    expect(at(resources[0], 'spec.template.spec.containers.0.image')).toBe('nginx:3');
    expect(at(resources[0], 'spec.paused')).toBe(true);
  });

  it('rejects a JSON 6902 patch whose path does not exist', () => {
    expect(() =>
      buildWith(
        'resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |-\n    - op: remove\n      path: /spec/nothing\n',
      ),
    ).toThrow(KustomizeError);
  });
});

function indent(text: string, spaces = 4): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : pad + line))
    .join('\n');
}
