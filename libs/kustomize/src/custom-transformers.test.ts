import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { at, DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

describe('transformers field', () => {
  it('runs built-in label, annotation and prefix transformers with their own field specs', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\ntransformers:\n- labels.yaml\n- dir\n',
      'd.yaml': DEPLOYMENT,
      's.yaml': SERVICE,
      'labels.yaml':
        'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  app: hello\nfieldSpecs:\n- kind: Service\n  path: spec/selector\n  create: true\n---\napiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a\nannotations:\n  area: 51\nfieldSpecs:\n- kind: Deployment\n  path: spec/template/metadata/annotations\n  create: true\n',
      'dir/kustomization.yaml': 'resources:\n- prefix.yaml\n',
      'dir/prefix.yaml':
        'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: p\nprefix: x-\nfieldSpecs:\n- kind: Deployment\n  path: metadata/name\n- kind: Service\n  path: spec/type\n',
    });
    const [service, deployment] = build(root).resources;
    expect(at(service, 'spec.selector')).toEqual({ app: 'hello' });
    expect(at(service, 'metadata.labels')).toBeUndefined();
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual({ area: '51' });
    expect(at(deployment, 'metadata.name')).toBe('x-web');
    expect(at(service, 'metadata.name')).toBe('web');
  });

  it('runs namespace, image, replica, patch and replacement transformer configs', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\ntransformers:\n- t.yaml\n',
      'd.yaml': DEPLOYMENT,
      's.yaml': SERVICE,
      'p.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n$patch: delete\n',
      't.yaml': [
        'apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: n\n  namespace: team\n',
        'apiVersion: builtin\nkind: ImageTagTransformer\nmetadata:\n  name: i\nimageTag:\n  name: nginx\n  newTag: "2"\n',
        'apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: r\nreplica:\n  name: web\n  count: 4\n',
        'apiVersion: builtin\nkind: PatchJson6902Transformer\nmetadata:\n  name: j\ntarget:\n  kind: Deployment\njsonOp: \'[{"op": "add", "path": "/spec/paused", "value": true}]\'\n',
        'apiVersion: builtin\nkind: PatchStrategicMergeTransformer\nmetadata:\n  name: s\npatches: |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    namespace: team\n  spec:\n    minReadySeconds: 5\n',
        'apiVersion: builtin\nkind: ReplacementTransformer\nmetadata:\n  name: x\nreplacements:\n- source:\n    kind: Deployment\n    fieldPath: spec.replicas\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.revisionHistoryLimit\n    options:\n      create: true\n',
        'apiVersion: builtin\nkind: PatchTransformer\nmetadata:\n  name: p\npath: p.yaml\n',
      ].join('---\n'),
    });
    const [deployment, ...rest] = build(root).resources;
    expect(rest).toEqual([]);
    expect(at(deployment, 'metadata.namespace')).toBe('team');
    expect(at(deployment, 'spec.template.spec.containers.0.image')).toBe('nginx:2');
    expect(at(deployment, 'spec.replicas')).toBe(4);
    expect(at(deployment, 'spec.paused')).toBe(true);
    expect(at(deployment, 'spec.minReadySeconds')).toBe(5);
    expect(at(deployment, 'spec.revisionHistoryLimit')).toBe(4);
  });

  it('runs built-in generator configs from the generators field', () => {
    const root = writeTree({
      'kustomization.yaml': 'generators:\n- g.yaml\n',
      'g.yaml':
        'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: cfg\n  namespace: ns\nliterals:\n- a=b\n---\napiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: sec\noptions:\n  disableNameSuffixHash: true\nliterals:\n- a=b\n',
    });
    const [configMap, secret] = build(root).resources;
    expect(at(configMap, 'metadata')).toEqual({ name: 'cfg-4h2mbtbbt6', namespace: 'ns' });
    expect(at(secret, 'metadata')).toEqual({ name: 'sec' });
    expect(at(secret, 'data')).toEqual({ a: 'Yg==' });
  });

  it('rejects transformer plugins and built-ins it does not implement', () => {
    const plugin = writeTree({
      'kustomization.yaml': 'transformers:\n- t.yaml\n',
      't.yaml': 'apiVersion: example.com/v1\nkind: Exec\nmetadata:\n  name: e\n',
    });
    expect(() => build(plugin)).toThrow(/plugin example.com\/v1\/Exec is not supported/);
    const builtin = writeTree({
      'kustomization.yaml': 'transformers:\n- t.yaml\n',
      't.yaml': 'apiVersion: builtin\nkind: SortOrderTransformer\nmetadata:\n  name: v\n',
    });
    expect(() => build(builtin)).toThrow(/built-in transformer SortOrderTransformer is not supported/);
  });
});
