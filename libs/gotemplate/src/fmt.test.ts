import { describe, expect, it } from 'vitest';
import { formatValue, sprint, sprintf, sprintln } from './fmt.js';
import { GoComplex, type GoValue } from './values.js';

describe('sprintf', () => {
  it.each<[string, GoValue[], string]>([
    ['%d', [42n], '42'],
    ['%5d|%-5d|%05d', [42n, 42n, -42n], '   42|42   |-0042'],
    ['%+d % d', [5n, 5n], '+5  5'],
    ['%x %X %o %O %b', [255n, 255n, 8n, 8n, 5n], 'ff FF 10 0o10 101'],
    ['%#x %#o', [255n, 8n], '0xff 010'],
    ['%.3d', [7n], '007'],
    ['%c %U %#U', [65n, 0x1f600n, 65n], "A U+1F600 U+0041 'A'"],
    ['%q', [65n], "'A'"],
    ['%s|%10s|%-10s|%.2s', ['go', 'go', 'go', 'gopher'], 'go|        go|go        |go'],
    ['%q', ['a"b\n'], '"a\\"b\\n"'],
    ['%x % x %X', ['hi', 'hi', 'hi'], '6869 68 69 6869'],
    ['%t %v', [true, false], 'true false'],
    ['%e %E', [1234.5678, 1234.5678], '1.234568e+03 1.234568E+03'],
    ['%f %.2f %8.3f', [3.14159, 3.14159, 3.14159], '3.141590 3.14    3.142'],
    ['%g %g %g %.3g', [100000.0, 1000000.0, 1e-5, 1234.5678], '100000 1e+06 1e-05 1.23e+03'],
    ['%v', [1.5], '1.5'],
    [
      '%T %T %T %T %T %T',
      [1n, 1.5, 's', true, [1n], { a: 1n }],
      'int float64 string bool []interface {} map[string]interface {}',
    ],
    ['%T', [null], '<nil>'],
    ['%%', [], '%'],
    ['%.0f %.0f %.0f %.1f %.1f %.2e', [0.5, 1.5, 2.5, 0.25, 0.05, 1.125], '0 2 2 0.2 0.1 1.12e+00'],
    ['%.3f %f', [1e23, 1e-7], '99999999999999991611392.000 0.000000'],
    ['%.20f', [0.1], '0.10000000000000000555'],
    ['%6.2f|%-8.3e|%+.1g', [-1.005, 12345.678, 0.000123], ' -1.00|1.235e+04|+0.0001'],
    ['%*d', [5n, 1n], '    1'],
    ['%+v %+d', [{ a: 1n }, 1n], 'map[a:1] +1'],
    [
      '%#v',
      [{ b: [1n, 'x', null], a: 1.5 }],
      'map[string]interface {}{"a":1.5, "b":[]interface {}{1, "x", interface {}(nil)}}',
    ],
    ['%#v %#v', ['s', null], '"s" <nil>'],
    ['%5v', [[1n, 2n]], '[    1     2]'],
  ])('%s', (format, args, want) => {
    expect(sprintf(format, args)).toBe(want);
  });

  it('reports Go-style verb errors', () => {
    expect(sprintf('%d', ['x'])).toBe('%!d(string=x)');
    expect(sprintf('%d', [])).toBe('%!d(MISSING)');
    expect(sprintf('%d', [1n, 2n, 'z'])).toBe('1%!(EXTRA int=2, string=z)');
    expect(sprintf('%', [])).toBe('%!(NOVERB)');
    expect(sprintf('%d', [null])).toBe('%!d(<nil>)');
    expect(sprintf('%z', [1n])).toBe('%!z(int=1)');
  });

  it('formats composites element-wise', () => {
    expect(sprintf('%d', [[1n, 2n]])).toBe('[1 2]');
    expect(sprintf('%x', [['ab', 'c']])).toBe('[6162 63]');
  });
});

describe('formatValue (%v)', () => {
  it.each<[GoValue, string]>([
    [null, '<nil>'],
    [3n, '3'],
    [-0.0, '-0'],
    [1e20, '1e+20'],
    [123456789.0, '1.23456789e+08'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [Infinity, '+Inf'],
    [NaN, 'NaN'],
    [[1n, 'a', null, [true]], '[1 a <nil> [true]]'],
    [{ b: 2n, a: 1n, B: 0n }, 'map[B:0 a:1 b:2]'],
    [new GoComplex(1, -2), '(1-2i)'],
  ])('%s', (v, want) => {
    expect(formatValue(v)).toBe(want);
  });
});

describe('sprint and sprintln', () => {
  it('adds spaces only between non-string operands in sprint', () => {
    expect(sprint([1n, 2n, 'a', 3n, 'b', 'c'])).toBe('1 2a3bc');
  });
  it('always separates operands in sprintln', () => {
    expect(sprintln(['a', 'b', 1n])).toBe('a b 1\n');
  });
});
