import { describe, expect, it } from 'vitest';
import { ItemType } from './lexer.js';
import { parseGoFloat, parseGoInt, parseNumberLiteral } from './numbers.js';

describe('number literals', () => {
  it('parses Go integer syntax', () => {
    expect(parseGoInt('0x1_F', true)).toBe(31n);
    expect(parseGoInt('0o17', true)).toBe(15n);
    expect(parseGoInt('017', true)).toBe(15n);
    expect(parseGoInt('0b101', true)).toBe(5n);
    expect(parseGoInt('-9223372036854775808', true)).toBe(-(2n ** 63n));
    expect(parseGoInt('9223372036854775808', true)).toBeNull();
    expect(parseGoInt('1__0', true)).toBeNull();
    expect(parseGoInt('-1', false)).toBeNull();
  });

  it('parses Go float syntax including hex floats', () => {
    expect(parseGoFloat('1.5e3')).toBe(1500);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(parseGoFloat('0x1p-2')).toBe(0.25);
    expect(parseGoFloat('1e400')).toBeNull();
  });

  it('records every interpretation of a literal', () => {
    const n = parseNumberLiteral('3.0', ItemType.Number);
    expect([n.isInt, n.isFloat, n.int64, n.float64]).toEqual([true, true, 3n, 3]);
    const c = parseNumberLiteral("'\\n'", ItemType.CharConstant);
    expect([c.isInt, c.int64]).toEqual([true, 10n]);
    const big = parseNumberLiteral('0xFFFFFFFFFFFFFFFF', ItemType.Number);
    expect([big.isInt, big.isUint]).toEqual([false, true]);
    expect(parseNumberLiteral('2i', ItemType.Number).isComplex).toBe(true);
    expect(() => parseNumberLiteral('1e', ItemType.Number)).toThrow('illegal number syntax: "1e"');
  });
});
