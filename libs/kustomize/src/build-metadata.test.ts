import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { KustomizeError } from './errors.js';
import { at, DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

function byName(resources: ReadonlyArray<Record<string, unknown>>, name: string): Record<string, unknown> {
  const found = resources.find((object) => at(object, 'metadata.name') === name);
  if (found === undefined) throw new Error(`no resource named ${name}`);
  return found;
}

describe('buildMetadata', () => {
  const tree = (rootMetadata: string): string =>
    writeTree({
      'base/kustomization.yaml':
        'resources:\n- svc.yaml\nnameSuffix: -s\nconfigMapGenerator:\n- name: cm\n  literals: [a=b]\n',
      'base/svc.yaml': SERVICE,
      'app/kustomization.yaml': `resources:\n- ../base\n- d.yaml\nnamePrefix: p-\nimages:\n- name: nginx\n  newTag: "2"\n${rootMetadata}`,
      'app/d.yaml': DEPLOYMENT,
    });

  it('writes origin annotations as paths from the root kustomization, generators as configuredIn/By', () => {
    const root = tree('buildMetadata: [originAnnotations]\n');
    const { resources } = build(path.join(root, 'app'), { root });
    expect(at(byName(resources, 'p-web-s'), 'metadata.annotations')).toEqual({
      'config.kubernetes.io/origin': 'path: ../base/svc.yaml\n',
    });
    expect(at(byName(resources, 'p-web'), 'metadata.annotations')).toEqual({
      'config.kubernetes.io/origin': 'path: d.yaml\n',
    });
    const configMap = resources.find((object) => object['kind'] === 'ConfigMap');
    expect(at(configMap, 'metadata.annotations')).toEqual({
      'config.kubernetes.io/origin':
        'configuredIn: ../base/kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n',
    });
  });

  it('lists every transformer that ran over a resource, bases first, in kustomize order', () => {
    const root = tree('buildMetadata: [transformerAnnotations]\n');
    const { resources, yaml } = build(path.join(root, 'app'), { root });
    expect(at(byName(resources, 'p-web-s'), 'metadata.annotations')).toEqual({
      'alpha.config.kubernetes.io/transformations': [
        '- configuredIn: ../base/kustomization.yaml',
        '  configuredBy:',
        '    apiVersion: builtin',
        '    kind: SuffixTransformer',
        '- configuredIn: kustomization.yaml',
        '  configuredBy:',
        '    apiVersion: builtin',
        '    kind: PrefixTransformer',
        '- configuredIn: kustomization.yaml',
        '  configuredBy:',
        '    apiVersion: builtin',
        '    kind: ImageTagTransformer',
        '',
      ].join('\n'),
    });
    // The overlay's own resource saw only the overlay's transformers.
    const annotation = at(byName(resources, 'p-web'), 'metadata.annotations') as Record<string, string>;
    expect(annotation['alpha.config.kubernetes.io/transformations']).not.toContain('SuffixTransformer');
    expect(yaml).not.toContain('config.kubernetes.io/origin');
  });

  it('adds the managed-by label to metadata only, as kubectl and Flux write it', () => {
    const root = tree('buildMetadata: [managedByLabel]\n');
    const { resources } = build(path.join(root, 'app'), { root });
    const deployment = byName(resources, 'p-web');
    expect(at(deployment, 'metadata.labels')).toEqual({
      'app.kubernetes.io/managed-by': 'kustomize-(devel)',
    });
    expect(at(deployment, 'spec.template.metadata.labels')).toEqual({ app: 'web' });
    const custom = build(path.join(root, 'app'), { root, managedBy: 'flotilla' });
    expect(at(byName(custom.resources, 'p-web'), 'metadata.labels')).toEqual({
      'app.kubernetes.io/managed-by': 'flotilla',
    });
  });

  it('ignores buildMetadata of bases, like kustomize', () => {
    const root = writeTree({
      'base/kustomization.yaml':
        'resources:\n- svc.yaml\nbuildMetadata: [originAnnotations, managedByLabel]\n',
      'base/svc.yaml': SERVICE,
      'app/kustomization.yaml': 'resources:\n- ../base\n',
    });
    const [service] = build(path.join(root, 'app'), { root }).resources;
    expect(at(service, 'metadata')).toEqual({ name: 'web' });
  });

  it('names transformer plugin configs with their file and name', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- svc.yaml\ntransformers:\n- tr.yaml\nbuildMetadata: [transformerAnnotations]\n',
      'svc.yaml': SERVICE,
      'tr.yaml':
        'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: pf\nprefix: x-\nfieldSpecs:\n- path: metadata/name\n',
    });
    const [service] = build(root).resources;
    expect(at(service, 'metadata.annotations')).toEqual({
      'alpha.config.kubernetes.io/transformations':
        '- configuredIn: tr.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: PrefixSuffixTransformer\n    name: pf\n',
    });
  });

  it('rejects unknown buildMetadata options', () => {
    const root = writeTree({ 'kustomization.yaml': 'buildMetadata: [everything]\n' });
    expect(() => build(root)).toThrow(KustomizeError);
    expect(() => build(root)).toThrow(/buildMetadata option 'everything' must be one of/);
  });
});
