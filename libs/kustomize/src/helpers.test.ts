import { describe, expect, it } from 'vitest';
import { updateFields } from './field-specs.js';
import { rewriteImage, splitImage } from './images.js';
import { newResource } from './resource.js';
import { parseSelector, selectResources } from './selector.js';
import { legacySort } from './sort.js';

describe('images', () => {
  it('splits names, tags and digests (registry ports are not tags)', () => {
    expect(splitImage('localhost:5000/app:1.2@sha256:abc')).toEqual({
      name: 'localhost:5000/app',
      tag: '1.2',
      digest: 'sha256:abc',
    });
    expect(splitImage('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', tag: '', digest: '' });
  });

  it('replaces tag and digest together and keeps them when only the name changes', () => {
    expect(rewriteImage('app:1@sha256:a', { name: 'app', newTag: '2' })).toBe('app:2');
    expect(rewriteImage('app:1', { name: 'app', digest: 'sha256:b' })).toBe('app@sha256:b');
    expect(rewriteImage('app:1', { name: 'app', newName: 'r/app' })).toBe('r/app:1');
    expect(rewriteImage('other:1', { name: 'app', newTag: '2' })).toBeUndefined();
  });
});

describe('selectors', () => {
  const labelled = (name: string, labels: Record<string, string>) =>
    newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels } });

  it('parses equality, set and existence requirements', () => {
    expect(parseSelector('a=b, c!=d,e in (x, y),!f,g')).toEqual([
      { op: 'in', key: 'a', values: ['b'] },
      { op: 'notIn', key: 'c', values: ['d'] },
      { op: 'in', key: 'e', values: ['x', 'y'] },
      { op: 'notExists', key: 'f' },
      { op: 'exists', key: 'g' },
    ]);
  });

  it('selects by anchored name regex and labels', () => {
    const resources = [labelled('app', { t: 'a' }), labelled('app2', { t: 'b' }), labelled('x', {})];
    expect(selectResources(resources, { name: 'app' })).toEqual([resources[0]]);
    expect(selectResources(resources, { name: 'app.*', labelSelector: 't notin (a)' })).toEqual([
      resources[1],
    ]);
  });
});

describe('field specs', () => {
  it('walks lists implicitly and creates maps only when asked', () => {
    const object = { spec: { items: [{ meta: {} }, { meta: { a: 1 } }] } };
    updateFields(object, [{ path: 'spec/items/meta/a', create: true }], () => 2);
    expect(object.spec.items).toEqual([{ meta: { a: 2 } }, { meta: { a: 2 } }]);
    const bare: Record<string, unknown> = {};
    updateFields(bare, [{ path: 'x/y' }], () => 1);
    expect(bare).toEqual({});
  });
});

describe('legacy sort', () => {
  it('orders by kind priority, then GVK, then namespace and name', () => {
    const make = (apiVersion: string, kind: string, name: string) =>
      newResource({ apiVersion, kind, metadata: { name } });
    const sorted = legacySort([
      make('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'v'),
      make('example.com/v1', 'Widget', 'w'),
      make('apps/v1', 'Deployment', 'b'),
      make('apps/v1', 'Deployment', 'a'),
      make('v1', 'Namespace', 'n'),
    ]);
    expect(
      sorted.map((resource) => `${String(resource.object['kind'])}/${resource.history[0]?.name}`),
    ).toEqual([
      'Namespace/n',
      'Deployment/a',
      'Deployment/b',
      'Widget/w',
      'ValidatingWebhookConfiguration/v',
    ]);
  });
});
