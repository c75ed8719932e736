import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { encodeBase64, parseEnvFile, parseLiteral } from './generators.js';
import { contentHash, goJson } from './name-hash.js';
import { at, removeTrees, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: pod
spec:
  containers:
  - name: c
    image: busybox
    envFrom:
    - configMapRef:
        name: cfg
    - secretRef:
        name: sec
`;

describe('generators', () => {
  it('generates from envs, files and literals with kustomize hash suffixes and rewrites references', () => {
    // Names and hashes checked against kubectl kustomize v5.5.0 for these inputs.
    const root = writeTree({
      'kustomization.yaml':
        'namePrefix: p-\nconfigMapGenerator:\n- name: cfg\n  envs:\n  - app.env\n  files:\n  - greet=greeting.txt\nsecretGenerator:\n- name: sec\n  literals:\n  - password="s3cr3t"\n  - long=' +
        'a'.repeat(82) +
        '\nresources:\n- pod.yaml\n',
      'app.env': 'A=1\n# c\n\nB=two\n',
      'greeting.txt': 'hello\n',
      'pod.yaml': POD,
    });
    const [configMap, secret, pod] = build(root).resources;
    expect(at(configMap, 'metadata.name')).toBe('p-cfg-gkc8252m4k');
    expect(at(configMap, 'data')).toEqual({ A: '1', B: 'two', greet: 'hello\n' });
    expect(at(secret, 'metadata.name')).toBe('p-sec-d7bt45t2m9');
    expect(at(secret, 'type')).toBe('Opaque');
    expect(at(secret, 'data.password')).toBe('czNjcjN0');
    expect(at(pod, 'spec.containers.0.envFrom')).toEqual([
      { configMapRef: { name: 'p-cfg-gkc8252m4k' } },
      { secretRef: { name: 'p-sec-d7bt45t2m9' } },
    ]);
  });

  it('honours generatorOptions and per-generator options', () => {
    const root = writeTree({
      'kustomization.yaml':
        'generatorOptions:\n  disableNameSuffixHash: true\n  labels:\n    a: b\nconfigMapGenerator:\n- name: one\n  literals:\n  - k=v\n  options:\n    annotations:\n      n: m\n    immutable: true\n',
    });
    const [configMap] = build(root).resources;
    expect(configMap).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'one', labels: { a: 'b' }, annotations: { n: 'm' } },
      data: { k: 'v' },
      immutable: true,
    });
  });

  it('merges into and replaces generated maps of a base', () => {
    const root = writeTree({
      'base/kustomization.yaml':
        'configMapGenerator:\n- name: a\n  literals:\n  - x=1\n  - y=2\n- name: b\n  literals:\n  - x=1\n',
      'kustomization.yaml':
        'resources:\n- base\ngeneratorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: a\n  behavior: merge\n  literals:\n  - y=3\n- name: b\n  behavior: replace\n  literals:\n  - z=9\n',
    });
    const [first, second] = build(root).resources;
    expect(first).toMatchObject({ metadata: { name: 'a' }, data: { x: '1', y: '3' } });
    expect(second).toMatchObject({ metadata: { name: 'b' }, data: { z: '9' } });
  });

  it('fails on a merge with nothing to merge into and on duplicate generated names', () => {
    const merge = writeTree({ 'kustomization.yaml': 'configMapGenerator:\n- name: a\n  behavior: merge\n' });
    expect(() => build(merge)).toThrow(/no ConfigMap a to merge/);
    const duplicate = writeTree({ 'kustomization.yaml': 'configMapGenerator:\n- name: a\n- name: a\n' });
    expect(() => build(duplicate)).toThrow(/duplicate ConfigMap a/);
  });
});

describe('generator inputs', () => {
  it('parses literals and env files', () => {
    expect(parseLiteral("k='quoted'", 'f')).toEqual(['k', 'quoted']);
    expect(parseLiteral('k=a=b', 'f')).toEqual(['k', 'a=b']);
    expect(() => parseLiteral('novalue', 'f')).toThrow(/invalid literal/);
    expect(parseEnvFile('\uFEFFA=1\r\n  B=x y\n#C=3\nD\n', 'e')).toEqual([
      ['A', '1'],
      ['B', 'x y'],
      ['D', ''],
    ]);
  });

  it('wraps long base64 at 70 characters like kustomize', () => {
    expect(encodeBase64(Buffer.from('abc'))).toBe('YWJj');
    const wrapped = encodeBase64(Buffer.alloc(60, 1));
    expect(wrapped.split('\n').map((line) => line.length)).toEqual([70, 10, 0]);
  });
});

describe('content hash', () => {
  it('encodes like Go json.Marshal and ignores the name', () => {
    expect(goJson({ b: '<&>', a: ['\u2028'] })).toBe('{"a":["\\u2028"],"b":"\\u003c\\u0026\\u003e"}');
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } };
    expect(contentHash(object)).toBe('4h2mbtbbt6');
    expect(contentHash({ ...object, metadata: { name: 'other' } })).toBe('4h2mbtbbt6');
    expect(contentHash({ ...object, data: { a: 'c' } })).not.toBe('4h2mbtbbt6');
  });
});
