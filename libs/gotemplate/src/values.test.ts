import { describe, expect, it } from 'vitest';
import { fromJSON } from './json.js';
import {
  GoComplex,
  GoFunc,
  assignError,
  compareGoStrings,
  isTrue,
  sortedKeys,
  toGoFunc,
  typeName,
} from './values.js';

describe('Go value model', () => {
  it('applies Go truthiness', () => {
    expect([false, 0n, 0, '', [], {}, null, new GoComplex(0, 0)].map(isTrue)).toEqual(Array(8).fill(false));
    expect([true, 1n, 0.5, 'x', [null], { a: null }, new GoComplex(0, 1)].map(isTrue)).toEqual(
      Array(7).fill(true),
    );
  });

  it('sorts map keys byte-wise like Go', () => {
    expect(sortedKeys({ b: 1n, a: 2n, Z: 3n, é: 4n, z: 5n })).toEqual(['Z', 'a', 'b', 'z', 'é']);
    expect(compareGoStrings('\uffff', '\u{10000}')).toBeLessThan(0);
  });

  it('names types as %T does', () => {
    expect(typeName(toGoFunc('f', (a) => a))).toBe('func(interface {}, ...interface {}) interface {}');
    expect(typeName(new GoFunc('g', () => null, { params: ['string', 'int'] }))).toBe(
      'func(string, int) interface {}',
    );
  });

  it('checks assignability with Go wording', () => {
    expect(assignError(1n, 'string')).toBe('wrong type for value; expected string; got int');
    expect(assignError(null, 'int')).toBe('invalid value; expected int');
    expect(assignError(null, 'any')).toBeNull();
    expect(assignError(1.5, 'float64')).toBeNull();
  });

  it('reads JSON integers as int and fractions as float64', () => {
    expect(fromJSON('{"i": 3, "f": 3.0, "e": 1e3, "l": [9007199254740993]}')).toEqual({
      i: 3n,
      f: 3,
      e: 1000,
      l: [9007199254740993n],
    });
  });
});
