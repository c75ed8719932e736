import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { at, removeTrees, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const SCHEMA = {
  definitions: {
    'v1.Widget': {
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      properties: { spec: { type: 'object', properties: { parts: { $ref: '#/definitions/v1.Parts' } } } },
    },
    'v1.Parts': {
      type: 'array',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
      items: { type: 'object', properties: { name: { type: 'string' }, size: { type: 'integer' } } },
    },
  },
};

const WIDGET =
  'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  parts:\n  - name: a\n    size: 1\n  - name: b\n    size: 2\n';
const PATCH =
  'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  parts:\n  - name: b\n    size: 3\n';

describe('openapi', () => {
  it('merges custom-resource lists by the merge key of the custom schema', () => {
    // Order checked against kubectl kustomize v5.5.0: patched items first, then the rest.
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- w.yaml\nopenapi:\n  path: schema.json\npatches:\n- path: p.yaml\n',
      'schema.json': JSON.stringify(SCHEMA),
      'w.yaml': WIDGET,
      'p.yaml': PATCH,
    });
    expect(at(build(root).resources[0], 'spec.parts')).toEqual([
      { name: 'b', size: 3 },
      { name: 'a', size: 1 },
    ]);
  });

  it('replaces lists of unknown kinds without a schema', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- w.yaml\npatches:\n- path: p.yaml\n',
      'w.yaml': WIDGET,
      'p.yaml': PATCH,
    });
    expect(at(build(root).resources[0], 'spec.parts')).toEqual([{ name: 'b', size: 3 }]);
  });
});
