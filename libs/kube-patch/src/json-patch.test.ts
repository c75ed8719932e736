import { describe, expect, it } from 'vitest';
import { PatchError } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { formatJsonPointer, parseJsonPointer } from './json-pointer.js';
import type { JsonValue } from './json.js';

const deployment = {
  metadata: { name: 'web', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, finalizers: ['a', 'b'] },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
};

function expectPatchError(action: () => unknown, code: string): PatchError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).code).toBe(code);
    return error as PatchError;
  }
  throw new Error(`expected a PatchError ${code}`);
}

describe('JSON pointers', () => {
  it('unescapes ~1 and ~0 and round-trips', () => {
    expect(parseJsonPointer('/metadata/labels/app.kubernetes.io~1name')).toEqual([
      'metadata',
      'labels',
      'app.kubernetes.io/name',
    ]);
    expect(parseJsonPointer('/a~0b~01')).toEqual(['a~b~1']);
    expect(formatJsonPointer(['metadata', 'annotations', 'a/b~c'])).toBe('/metadata/annotations/a~1b~0c');
    expect(parseJsonPointer(formatJsonPointer(['x/y', '~', '0']))).toEqual(['x/y', '~', '0']);
    expect(parseJsonPointer('')).toEqual([]);
  });

  it('rejects pointers without a leading slash and bad escapes', () => {
    expectPatchError(() => parseJsonPointer('spec'), 'INVALID_POINTER');
    expectPatchError(() => parseJsonPointer('/a~2'), 'INVALID_POINTER');
    expectPatchError(() => parseJsonPointer('/a~'), 'INVALID_POINTER');
  });
});

describe('applyJsonPatch', () => {
  it('adds, replaces and removes object members without touching the input', () => {
    const input = structuredClone(deployment);
    const result = applyJsonPatch(input, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/annotations', value: { note: 'x' } },
      { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' },
    ]);
    expect(result).toMatchObject({
      metadata: { labels: { app: 'web' }, annotations: { note: 'x' } },
      spec: { replicas: 3 },
    });
    expect((result as typeof deployment).metadata.labels).not.toHaveProperty('app.kubernetes.io/name');
    expect(input).toEqual(deployment);
  });

  it('inserts into arrays by index and appends with -', () => {
    const result = applyJsonPatch(deployment, [
      { op: 'add', path: '/metadata/finalizers/1', value: 'between' },
      { op: 'add', path: '/metadata/finalizers/-', value: 'last' },
      { op: 'add', path: '/metadata/finalizers/0', value: 'first' },
    ]) as typeof deployment;
    expect(result.metadata.finalizers).toEqual(['first', 'a', 'between', 'b', 'last']);
  });

  it('adding at an existing key replaces it, adding at the root replaces the document', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/a', value: 2 }])).toEqual({ a: 2 });
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '', value: [1] }])).toEqual([1]);
    expect(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).toEqual({ b: 2 });
  });

  it('moves and copies values', () => {
    const result = applyJsonPatch(deployment, [
      { op: 'copy', from: '/spec/template/spec/containers/0', path: '/spec/template/spec/containers/-' },
      { op: 'replace', path: '/spec/template/spec/containers/1/name', value: 'sidecar' },
      { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' },
    ]) as typeof deployment;
    expect(result.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'sidecar']);
    expect(result.metadata.labels).toEqual({ role: 'web', 'app.kubernetes.io/name': 'web' });
  });

  it('copy is deep: changing the copy leaves the source alone', () => {
    const result = applyJsonPatch({ a: { x: 1 } }, [
      { op: 'copy', from: '/a', path: '/b' },
      { op: 'replace', path: '/b/x', value: 2 },
    ]);
    expect(result).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });

  it('test passes on deep equality regardless of key order', () => {
    const result = applyJsonPatch(deployment, [
      { op: 'test', path: '/metadata/labels', value: { 'app.kubernetes.io/name': 'web', app: 'web' } },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ]) as typeof deployment;
    expect(result.spec.replicas).toBe(5);
  });

  it('a failed test aborts the whole patch with TEST_FAILED', () => {
    const error = expectPatchError(
      () =>
        applyJsonPatch(deployment, [
          { op: 'replace', path: '/spec/replicas', value: 9 },
          { op: 'test', path: '/spec/replicas', value: 1 },
        ]),
      'TEST_FAILED',
    );
    expect(error.path).toBe('/spec/replicas');
  });

  it('missing paths fail with PATH_NOT_FOUND', () => {
    const cases: JsonValue[][] = [
      [{ op: 'remove', path: '/spec/missing' }],
      [{ op: 'replace', path: '/spec/missing', value: 1 }],
      [{ op: 'add', path: '/nope/child', value: 1 }],
      [{ op: 'move', from: '/nope', path: '/x' }],
      [{ op: 'copy', from: '/nope', path: '/x' }],
      [{ op: 'test', path: '/nope', value: null }],
      [{ op: 'add', path: '/metadata/finalizers/3', value: 'x' }],
      [{ op: 'remove', path: '/metadata/finalizers/2' }],
    ];
    for (const operations of cases)
      expectPatchError(() => applyJsonPatch(deployment, operations), 'PATH_NOT_FOUND');
  });

  it('bad array indices are pointer errors', () => {
    expectPatchError(
      () => applyJsonPatch(deployment, [{ op: 'replace', path: '/metadata/finalizers/01', value: 'x' }]),
      'INVALID_POINTER',
    );
    expectPatchError(
      () => applyJsonPatch(deployment, [{ op: 'remove', path: '/metadata/finalizers/-' }]),
      'INVALID_POINTER',
    );
  });

  it('rejects malformed operations', () => {
    expectPatchError(() => applyJsonPatch(deployment, { op: 'add' }), 'INVALID_PATCH');
    expectPatchError(() => applyJsonPatch(deployment, [{ op: 'frobnicate', path: '/a' }]), 'INVALID_PATCH');
    expectPatchError(() => applyJsonPatch(deployment, [{ op: 'add', path: '/a' }]), 'INVALID_PATCH');
    expectPatchError(() => applyJsonPatch(deployment, [{ op: 'move', path: '/a' }]), 'INVALID_PATCH');
    expectPatchError(() => applyJsonPatch(deployment, ['not an op']), 'INVALID_PATCH');
    expectPatchError(() => applyJsonPatch(deployment, [{ op: 'remove', path: '' }]), 'INVALID_PATCH');
    expectPatchError(
      () => applyJsonPatch(deployment, [{ op: 'move', from: '/metadata', path: '/metadata/labels/x' }]),
      'INVALID_PATCH',
    );
  });

  it('can add null values (null is a value in JSON patch)', () => {
    expect(applyJsonPatch({ a: 1 }, [{ op: 'add', path: '/b', value: null }])).toEqual({ a: 1, b: null });
  });
});
