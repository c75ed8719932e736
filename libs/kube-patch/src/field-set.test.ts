import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import {
  decodePathElement,
  encodePathElement,
  fieldPath,
  formatFieldPath,
  type FieldPath,
} from './field-path.js';
import { FieldSet } from './field-set.js';

const containerImage: FieldPath = [
  ...fieldPath('spec', 'template', 'spec', 'containers'),
  { kind: 'key', fields: { name: 'web' } },
  { kind: 'field', name: 'image' },
];

describe('path elements', () => {
  it('encodes fields, keyed items, set values and indexes', () => {
    expect(encodePathElement({ kind: 'field', name: 'replicas' })).toBe('f:replicas');
    expect(encodePathElement({ kind: 'key', fields: { protocol: 'TCP', containerPort: 80 } })).toBe(
      'k:{"containerPort":80,"protocol":"TCP"}',
    );
    expect(encodePathElement({ kind: 'value', value: 'example.com/finalizer' })).toBe(
      'v:"example.com/finalizer"',
    );
    expect(encodePathElement({ kind: 'index', index: 3 })).toBe('i:3');
  });

  it('decodes what it encodes and rejects garbage', () => {
    for (const encoded of ['f:a.b/c', 'k:{"name":"x"}', 'v:5', 'v:{"a":[1]}', 'i:0']) {
      expect(encodePathElement(decodePathElement(encoded))).toBe(encoded);
    }
    for (const bad of ['x:1', 'k:[1]', 'k:{nope', 'i:-1', 'i:01', 'v:']) {
      expect(() => decodePathElement(bad)).toThrow(PatchError);
    }
  });

  it('formats paths the way conflict messages print them', () => {
    expect(formatFieldPath(fieldPath('spec', 'replicas'))).toBe('.spec.replicas');
    expect(formatFieldPath(containerImage)).toBe('.spec.template.spec.containers[name="web"].image');
    expect(
      formatFieldPath([
        ...fieldPath('spec', 'ports'),
        { kind: 'key', fields: { protocol: 'TCP', port: 80 } },
        { kind: 'field', name: 'targetPort' },
      ]),
    ).toBe('.spec.ports[port=80,protocol="TCP"].targetPort');
    expect(formatFieldPath([...fieldPath('metadata', 'finalizers'), { kind: 'value', value: 'a' }])).toBe(
      '.metadata.finalizers[="a"]',
    );
    expect(formatFieldPath([...fieldPath('x'), { kind: 'index', index: 2 }])).toBe('.x[2]');
  });
});

describe('FieldSet', () => {
  const fieldsV1 = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} }, 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} },
          },
        },
      },
    },
  };

  it('parses FieldsV1 members: leaves and nodes marked with "."', () => {
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.has(fieldPath('spec', 'replicas'))).toBe(true);
    expect(set.has(fieldPath('metadata', 'labels'))).toBe(true);
    expect(set.has(fieldPath('metadata', 'labels', 'app'))).toBe(true);
    expect(set.has(fieldPath('spec', 'template'))).toBe(false);
    expect(set.has(containerImage)).toBe(true);
    expect(set.has(containerImage.slice(0, -1))).toBe(true);
    expect(set.has([...fieldPath('metadata', 'finalizers'), { kind: 'value', value: 'b' }])).toBe(true);
    expect(set.size).toBe(8);
  });

  it('serialises back to the same trie', () => {
    expect(FieldSet.fromFieldsV1(fieldsV1).toFieldsV1()).toEqual(fieldsV1);
  });

  it('canonicalises keyed elements so equal keys are one member', () => {
    const set = FieldSet.fromFieldsV1({ 'f:ports': { 'k:{ "protocol": "TCP", "port": 80 }': {} } });
    expect(set.has([...fieldPath('ports'), { kind: 'key', fields: { port: 80, protocol: 'TCP' } }])).toBe(
      true,
    );
  });

  it('rejects malformed tries', () => {
    expect(() => FieldSet.fromFieldsV1('x')).toThrow(PatchError);
    expect(() => FieldSet.fromFieldsV1({ 'f:a': 1 })).toThrow(PatchError);
    expect(() => FieldSet.fromFieldsV1({ 'q:a': {} })).toThrow(PatchError);
  });

  it('computes union, difference and intersection on members', () => {
    const a = FieldSet.fromPaths([
      fieldPath('spec', 'replicas'),
      fieldPath('spec', 'paused'),
      fieldPath('metadata', 'labels', 'x'),
    ]);
    const b = FieldSet.fromPaths([fieldPath('spec', 'replicas'), fieldPath('metadata', 'labels', 'y')]);
    expect(a.union(b).paths().map(formatFieldPath)).toEqual([
      '.metadata.labels.x',
      '.metadata.labels.y',
      '.spec.paused',
      '.spec.replicas',
    ]);
    expect(a.difference(b).paths().map(formatFieldPath)).toEqual(['.metadata.labels.x', '.spec.paused']);
    expect(a.intersection(b).paths().map(formatFieldPath)).toEqual(['.spec.replicas']);
    expect(a.difference(a).isEmpty()).toBe(true);
    expect(a.difference(a).toFieldsV1()).toEqual({});
    expect(a.union(b).equals(b.union(a))).toBe(true);
    expect(a.equals(b)).toBe(false);
  });

  it('a member with children keeps "." when serialised, a prefix does not', () => {
    const set = FieldSet.fromPaths([fieldPath('a'), fieldPath('a', 'b'), fieldPath('c', 'd')]);
    expect(set.toFieldsV1()).toEqual({ 'f:a': { '.': {}, 'f:b': {} }, 'f:c': { 'f:d': {} } });
  });

  it('ignores the empty path', () => {
    expect(new FieldSet().insert([]).isEmpty()).toBe(true);
  });
});
