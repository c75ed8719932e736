import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { insertPathPart } from './custom-transformers.js';
import { KustomizeError } from './errors.js';
import { at, DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const BEE = `apiVersion: example.com/v1beta1
kind: Bee
metadata:
  name: bee
spec:
  configRef:
    name: cfg
  selectorThing: {}
  ident: myid
  items:
  - name: one
    v: 1
  - name: two
`;

const BEE_DEFINITIONS = JSON.stringify({
  'github.com/example/apis/v1beta1.Bee': {
    Schema: {
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: 'k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta' },
        spec: { $ref: 'github.com/example/apis/v1beta1.BeeSpec' },
      },
    },
  },
  'github.com/example/apis/v1beta1.BeeSpec': {
    Schema: {
      properties: {
        configRef: {
          type: 'object',
          'x-kubernetes-object-ref-api-version': 'v1',
          'x-kubernetes-object-ref-kind': 'ConfigMap',
        },
        selectorThing: { type: 'object', 'x-kubernetes-label-selector': '' },
        notes: { type: 'object', 'x-kubernetes-annotation': '' },
        ident: { type: 'string', 'x-kubernetes-identity': '' },
        items: {
          type: 'array',
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
          items: { type: 'object' },
        },
      },
    },
  },
});

describe('crds', () => {
  it('adds name references, label, annotation and prefix fields from the definitions', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- bee.yaml\ncrds:\n- bee.json\nnamePrefix: p-\ncommonLabels:\n  a: b\nconfigMapGenerator:\n- name: cfg\n  literals: [x=y]\npatches:\n- patch: |\n    apiVersion: example.com/v1beta1\n    kind: Bee\n    metadata:\n      name: bee\n    spec:\n      notes: {}\n      items:\n      - name: one\n        extra: true\n',
      'bee.yaml': BEE,
      'bee.json': BEE_DEFINITIONS,
    });
    const { resources } = build(root);
    const bee = resources.find((object) => object['kind'] === 'Bee');
    const configMap = resources.find((object) => object['kind'] === 'ConfigMap');
    expect(at(bee, 'spec.configRef.name')).toBe(at(configMap, 'metadata.name'));
    expect(at(bee, 'spec.configRef.name')).toMatch(/^p-cfg-[a-z0-9]{10}$/);
    expect(at(bee, 'spec.selectorThing')).toEqual({ a: 'b' });
    expect(at(bee, 'spec.ident')).toBe('p-myid');
    // As in Go kustomize, the definitions do not feed strategic merge: the list is replaced.
    expect(at(bee, 'spec.items')).toEqual([{ name: 'one', extra: true }]);
  });

  it('refuses a CustomResourceDefinition manifest, which is not an OpenAPI definitions file', () => {
    const root = writeTree({
      'kustomization.yaml': 'crds:\n- crd.yaml\n',
      'crd.yaml':
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x\n',
    });
    expect(() => build(root)).toThrow(/unable to parse open API definition from 'crd\.yaml'/);
  });

  it('reports a missing crds file with the kustomization', () => {
    const root = writeTree({ 'kustomization.yaml': 'crds:\n- gone.json\n' });
    expect(() => build(root)).toThrow(/gone\.json/);
  });
});

describe('labels[].fields', () => {
  it('adds the pairs to the listed fields as well as metadata/labels', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- svc.yaml\n- d.yaml\nlabels:\n- pairs: {l: m}\n  fields:\n  - path: spec/selector\n    kind: Service\n  - path: spec/template/metadata/annotations\n    kind: Deployment\n    create: true\n',
      'svc.yaml': SERVICE,
      'd.yaml': DEPLOYMENT,
    });
    const [service, deployment] = build(root).resources;
    expect(at(service, 'spec.selector')).toEqual({ app: 'web', l: 'm' });
    expect(at(service, 'metadata.labels')).toEqual({ l: 'm' });
    expect(at(deployment, 'spec.template.metadata.annotations')).toEqual({ l: 'm' });
    expect(at(deployment, 'spec.selector.matchLabels')).toEqual({ app: 'web' });
  });
});

describe('patch options', () => {
  const tree = (options: string): string =>
    writeTree({
      'kustomization.yaml': `resources:\n- d.yaml\n- hpa.yaml\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: StatefulSet\n    metadata:\n      name: renamed\n  target:\n    kind: Deployment\n${options}`,
      'd.yaml': DEPLOYMENT,
      'hpa.yaml':
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: StatefulSet\n    name: web\n',
    });

  it('keeps name and kind unless the options allow changing them', () => {
    const [deployment, hpa] = build(tree('')).resources;
    expect(at(deployment, 'kind')).toBe('Deployment');
    expect(at(deployment, 'metadata.name')).toBe('web');
    expect(at(hpa, 'spec.scaleTargetRef.name')).toBe('web');
  });

  it('renames and re-kinds with allowNameChange / allowKindChange, and references follow', () => {
    const [statefulSet, hpa] = build(
      tree('  options:\n    allowNameChange: true\n    allowKindChange: true\n'),
    ).resources;
    expect(at(statefulSet, 'kind')).toBe('StatefulSet');
    expect(at(statefulSet, 'metadata.name')).toBe('renamed');
    expect(at(hpa, 'spec.scaleTargetRef.name')).toBe('renamed');
  });
});

describe('validators', () => {
  it('passes when the validator leaves the resources unchanged', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\nvalidators:\n- v.yaml\n',
      'svc.yaml': SERVICE,
      'v.yaml':
        'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: x\nlabels: {app: web}\nfieldSpecs:\n- path: spec/selector\n',
    });
    expect(at(build(root).resources[0], 'spec.selector')).toEqual({ app: 'web' });
  });

  it('fails when a validator would modify the resources', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\nvalidators:\n- v.yaml\n',
      'svc.yaml': SERVICE,
      'v.yaml':
        'apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: x\nlabels: {a: b}\nfieldSpecs:\n- path: metadata/labels\n  create: true\n',
    });
    let error: unknown;
    try {
      build(root);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KustomizeError);
    expect((error as KustomizeError).code).toBe('VALIDATION_FAILED');
    expect((error as KustomizeError).message).toMatch(
      /v\.yaml: validator LabelTransformer 'x' shouldn't modify/,
    );
  });
});

describe('ValueAddTransformer', () => {
  it('adds the directory name to namespaces and file paths', () => {
    const root = writeTree({
      'projects/dog-222/kustomization.yaml': 'resources:\n- ../../base\ntransformers:\n- ../../tr\n',
      'base/kustomization.yaml': 'resources:\n- svc.yaml\n- cm.yaml\n',
      'base/svc.yaml': SERVICE,
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  path: projects\n',
      'tr/kustomization.yaml': 'resources:\n- va.yaml\n',
      'tr/va.yaml':
        'apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: v\ntargets:\n- fieldPath: metadata/namespace\n- selector:\n    kind: ConfigMap\n  fieldPath: data/path\n  filePathPosition: 2\n- selector:\n    kind: Service\n  fieldPath: metadata/annotations/a\\/b\n',
    });
    const [configMap, service] = build(path.join(root, 'projects', 'dog-222'), { root }).resources;
    expect(at(configMap, 'metadata.namespace')).toBe('dog-222');
    expect(at(configMap, 'data.path')).toBe('projects/dog-222');
    expect(at(service, 'metadata.annotations')).toEqual({ 'a/b': 'dog-222' });
  });

  it('inserts into file paths as kustomize does', () => {
    expect(insertPathPart('', 0, 'PEACH')).toBe('PEACH');
    expect(insertPathPart('/', 0, 'PEACH')).toBe('/PEACH');
    expect(insertPathPart('pie', 0, 'PEACH')).toBe('PEACH/pie');
    expect(insertPathPart('/pie', 0, 'PEACH')).toBe('/PEACH/pie');
    expect(insertPathPart('raw', 1, 'PEACH')).toBe('raw/PEACH');
    expect(insertPathPart('/a/nice/warm/pie', 3, 'PEACH')).toBe('/a/nice/warm/PEACH/pie');
    expect(insertPathPart('a/b', 9999, 'PEACH')).toBe('a/b/PEACH');
  });

  it('needs targets with field paths', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\ntransformers:\n- va.yaml\n',
      'svc.yaml': SERVICE,
      'va.yaml': 'apiVersion: builtin\nkind: ValueAddTransformer\nmetadata:\n  name: v\nvalue: x\n',
    });
    expect(() => build(root)).toThrow(/must specify at least one target/);
  });
});

describe('replicas', () => {
  it('fails when no workload has the name, like kustomize', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- d.yaml\nreplicas:\n- name: other\n  count: 2\n',
      'd.yaml': DEPLOYMENT,
    });
    expect(() => build(root)).toThrow(/resource with name other does not match/);
  });
});

describe('transformers field order', () => {
  it('runs inline transformer configs before file ones, as kustomize accumulates them', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- svc.yaml\ntransformers:\n- suffix.yaml\n- |\n  apiVersion: builtin\n  kind: PrefixSuffixTransformer\n  metadata:\n    name: inline\n  prefix: a-\n  fieldSpecs:\n  - path: spec/type\n',
      'svc.yaml': SERVICE.replace('spec:\n', 'spec:\n  type: x\n'),
      'suffix.yaml':
        'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: file\nprefix: b-\nfieldSpecs:\n- path: spec/type\n',
    });
    expect(at(build(root).resources[0], 'spec.type')).toBe('b-a-x');
  });
});
