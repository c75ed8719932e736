import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { splitFieldPath } from './field-path.js';
import { at, removeTrees, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const RESOURCES = `apiVersion: v1
kind: ConfigMap
metadata:
  name: src
data:
  value: v9
  count: "3"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    a.b/c: x:y
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1
---
apiVersion: v1
kind: Service
metadata:
  name: web
`;

describe('replacements', () => {
  it('copies values into selected fields, with delimiters, rejects and create', () => {
    // Output checked against kubectl kustomize v5.5.0 for this input.
    const root = writeTree({
      'kustomization.yaml': `resources:
- r.yaml
replacements:
- source:
    kind: ConfigMap
    name: src
    fieldPath: data.value
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=web].image
    - metadata.annotations.[a.b/c]
    options:
      delimiter: ':'
      index: 1
- path: more.yaml
`,
      'more.yaml': `source:
  kind: ConfigMap
  name: src
  fieldPath: data.count
targets:
- select:
    name: web
  reject:
  - kind: Service
  fieldPaths:
  - spec.replicas
  - spec.new.place
  options:
    create: true
`,
      'r.yaml': RESOURCES,
    });
    const deployment = build(root).resources.find((doc) => doc['kind'] === 'Deployment');
    expect(at(deployment, 'spec.template.spec.containers.0.image')).toBe('nginx:v9');
    expect(at(deployment, 'metadata.annotations')).toEqual({ 'a.b/c': 'x:v9' });
    expect(at(deployment, 'spec.replicas')).toBe(3);
    expect(at(deployment, 'spec.new.place')).toBe(3);
  });

  it('fails when a target field is missing and create is off, or the source is ambiguous', () => {
    const missing = writeTree({
      'kustomization.yaml':
        'resources:\n- r.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n  targets:\n  - select:\n      kind: Service\n    fieldPaths:\n    - spec.nothing\n',
      'r.yaml': RESOURCES,
    });
    expect(() => build(missing)).toThrow(/unable to find field "spec.nothing" in replacement target/);
    const ambiguous = writeTree({
      'kustomization.yaml':
        'resources:\n- r.yaml\nreplacements:\n- source:\n    name: web\n  targets:\n  - select:\n      kind: ConfigMap\n',
      'r.yaml': RESOURCES,
    });
    expect(() => build(ambiguous)).toThrow(/multiple matches for replacement source/);
  });

  it('splits field paths outside brackets only', () => {
    expect(splitFieldPath('.metadata.annotations.[a.b/c]')).toEqual(['metadata', 'annotations', '[a.b/c]']);
    expect(splitFieldPath('spec.containers.[name=x.y].image')).toEqual([
      'spec',
      'containers',
      '[name=x.y]',
      'image',
    ]);
  });
});
