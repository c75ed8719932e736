import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from './json.js';
import { applyMergePatch, createMergePatch } from './merge-patch.js';

describe('applyMergePatch (RFC 7386)', () => {
  it('merges objects, deletes with null and replaces arrays whole', () => {
    const doc = {
      metadata: { labels: { a: '1', b: '2' }, finalizers: ['x', 'y'] },
      spec: { replicas: 1, paused: true },
    };
    const result = applyMergePatch(doc, {
      metadata: { labels: { b: null, c: '3' }, finalizers: ['z'] },
      spec: { replicas: 2, paused: null },
    });
    expect(result).toEqual({
      metadata: { labels: { a: '1', c: '3' }, finalizers: ['z'] },
      spec: { replicas: 2 },
    });
    expect(doc.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('follows the RFC 7386 examples', () => {
    const examples: [JsonValue, JsonValue, JsonValue][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [doc, patch, expected] of examples) expect(applyMergePatch(doc, patch)).toEqual(expected);
  });

  it('createMergePatch produces a patch that rebuilds the modified document', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string(), fc.integer(), fc.boolean()),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4 }),
      ),
    })).value as fc.Arbitrary<JsonValue>;
    const object = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), json, {
      maxKeys: 5,
    }) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(object, object, (original, modified) => {
        expect(applyMergePatch(original, createMergePatch(original, modified))).toEqual(modified);
      }),
    );
  });

  it('createMergePatch is empty for equal documents', () => {
    expect(createMergePatch({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual({});
  });
});
