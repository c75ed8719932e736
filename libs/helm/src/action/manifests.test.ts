import { describe, expect, it } from 'vitest';
import { sortManifests, splitManifests } from './manifests.js';

describe('splitManifests', () => {
  it('splits on --- separators and trims each document', () => {
    expect(splitManifests('\n---\na: 1\n\n---   \nb: 2\n---\n\n')).toEqual(['a: 1', 'b: 2']);
    expect(splitManifests('a: 1\n---\n# only a comment')).toEqual(['a: 1', '# only a comment']);
  });
});

const doc = (kind: string, name: string, annotations = ''): string =>
  `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${annotations ? `  annotations:\n${annotations}` : ''}`;

describe('sortManifests', () => {
  it('orders by install order, keeps file order within a kind and puts unknown kinds last by name', () => {
    const { manifests } = sortManifests({
      'c/templates/b.yaml': [doc('Deployment', 'd'), doc('Zebra', 'z'), doc('Service', 's2')].join('\n---\n'),
      'c/templates/a.yaml': [doc('Service', 's1'), doc('Alpha', 'x'), doc('Namespace', 'ns')].join('\n---\n'),
      'c/templates/_helpers.tpl': doc('Secret', 'never'),
      'c/templates/empty.yaml': '  \n',
    });
    expect(manifests.map((m) => `${m.head.kind}/${m.head.metadata?.name}`)).toEqual([
      'Namespace/ns',
      'Service/s1',
      'Service/s2',
      'Deployment/d',
      'Alpha/x',
      'Zebra/z',
    ]);
    expect(manifests[0]?.name).toBe('c/templates/a.yaml');
  });

  it('separates hooks with their events, weights and delete policies; skips unknown hook events', () => {
    const { hooks, manifests } = sortManifests({
      'c/templates/h.yaml': [
        doc(
          'Job',
          'pre',
          '    helm.sh/hook: pre-install, Pre-Upgrade\n    helm.sh/hook-weight: "-5"\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n',
        ),
        doc('Pod', 'test', '    helm.sh/hook: test-success\n'),
        doc('ConfigMap', 'unknown', '    helm.sh/hook: sometime\n'),
        doc('ConfigMap', 'plain', '    other: annotation\n'),
      ].join('\n---\n'),
    });
    expect(manifests.map((m) => m.head.metadata?.name)).toEqual(['plain']);
    expect(hooks.map((h) => [h.name, h.events, h.weight, h.deletePolicies])).toEqual([
      ['test', ['test'], 0, []],
      ['pre', ['pre-install', 'pre-upgrade'], -5, ['before-hook-creation', 'hook-succeeded']],
    ]);
  });

  it('reports invalid YAML with the template path', () => {
    expect(() => sortManifests({ 'c/templates/bad.yaml': 'a: b: c' })).toThrow(
      /^YAML parse error on c\/templates\/bad.yaml: /,
    );
    expect(() => sortManifests({ 'c/templates/text.yaml': 'just text' })).toThrow(
      'YAML parse error on c/templates/text.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type releaseutil.SimpleHead',
    );
    expect(() => sortManifests({ 'c/templates/kind.yaml': 'kind: {a: b}' })).toThrow(
      'json: cannot unmarshal object into Go struct field SimpleHead.kind of type string',
    );
  });

  it('reads scalar annotation values as strings, as a string target makes them', () => {
    const { hooks } = sortManifests({
      'c/templates/h.yaml': doc('Job', 'j', '    helm.sh/hook: post-install\n    helm.sh/hook-weight: 5\n'),
    });
    expect(hooks[0]?.weight).toBe(5);
  });
});
