import { describe, expect, it } from 'vitest';
import { fromYaml, fromYamlArray, sortYamlKeys, toYaml, toYamlPretty } from './yaml.js';

describe('toYaml (sigs.k8s.io/yaml, go-yaml v2)', () => {
  it('sorts keys like go-yaml: non-letters first, digit runs numerically', () => {
    expect(sortYamlKeys(['b', 'a10', 'a2', '_x', 'B'])).toEqual(['_x', 'B', 'a2', 'a10', 'b']);
    expect(toYaml({ b: 'x', a: 'z' })).toBe('a: z\nb: x');
    expect(toYaml({ y: 'n' })).toBe('"y": "n"');
  });

  it('writes sequences under a key without indentation and nested collections compactly', () => {
    expect(toYaml({ list: [1n, 2n] })).toBe('list:\n- 1\n- 2');
    expect(toYaml([{ a: 1n, b: 2n }])).toBe('- a: 1\n  b: 2');
    expect(toYaml({ k: [[1n]] })).toBe('k:\n- - 1');
    expect(toYaml({ m: { k: { o: 'p' } } })).toBe('m:\n  k:\n    o: p');
    expect(toYaml({ e: {}, l: [] })).toBe('e: {}\nl: []');
  });

  it('quotes strings that would read back as other types', () => {
    for (const s of [
      'true',
      'yes',
      'no',
      'on',
      'Off',
      'y',
      'null',
      '~',
      '',
      '1.0',
      '0x1F',
      '1e3',
      '1_000',
      '12:30',
      '2001-12-14',
      '.5',
      '-1',
    ])
      expect(toYaml({ s })).toBe(`s: "${s}"`);
    for (const s of ['hello', 'a#b', 'v1.2.3', 'http://x.y/z', '1.2.3', 'yes please', '<<'])
      expect(toYaml({ s })).toBe(`s: ${s}`);
  });

  it('single-quotes strings plain style cannot hold', () => {
    expect(toYaml({ s: 'a: b' })).toBe("s: 'a: b'");
    expect(toYaml({ s: ' lead' })).toBe("s: ' lead'");
    expect(toYaml({ s: '- a' })).toBe("s: '- a'");
    expect(toYaml({ s: '*' })).toBe("s: '*'");
    expect(toYaml({ s: 'a #b' })).toBe("s: 'a #b'");
    expect(toYaml({ s: "it's: x" })).toBe("s: 'it''s: x'");
  });

  it('double-quotes with escapes for unprintable characters (v2 escapes non-BMP runes)', () => {
    expect(toYaml({ s: 'a\tb' })).toBe('s: "a\\tb"');
    expect(toYaml({ s: '😀' })).toBe('s: "\\U0001F600"');
    expect(toYaml({ s: 'é' })).toBe('s: é');
  });

  it('writes multi-line strings as literal blocks with chomping indicators', () => {
    expect(toYaml({ s: 'a\nb' })).toBe('s: |-\n  a\n  b');
    expect(toYaml({ s: 'a\nb\n' })).toBe('s: |\n  a\n  b');
    expect(toYaml({ s: 'a\n\nb\n\n' })).toBe('s: |+\n  a\n\n  b\n');
    expect(toYaml({ s: ' a\nb' })).toBe('s: |2-\n   a\n  b');
    expect(toYaml({ s: 'a \nb' })).toBe('s: "a \\nb"');
    expect(toYaml(['x\ny'])).toBe('- |-\n  x\n  y');
  });

  it('folds long plain strings after column 80, as go-yaml v2 does', () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    const out = toYaml({ key: words });
    const lines = out.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.length).toBeGreaterThan(80);
    expect(lines[1]?.startsWith('  word')).toBe(true);
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`key: ${words}`);
    expect(toYamlPretty({ key: words })).toBe(`key: ${words}`);
  });

  it('prints numbers as they come back from JSON: integral floats as ints', () => {
    expect(toYaml({ a: 1000000, b: 1.5, c: 0.000001, d: 1e21, e: 3n, f: null, g: true })).toBe(
      'a: 1000000\nb: 1.5\nc: 1e-06\nd: 1e+21\ne: 3\nf: null\ng: true',
    );
  });

  it('returns "" for values JSON cannot encode', () => {
    expect(toYaml({ a: Number.NaN })).toBe('');
  });
});

describe('toYamlPretty (go-yaml v3, indent 2)', () => {
  it('indents sequences under keys and keeps floats as Go formats them', () => {
    expect(toYamlPretty({ baz: [1n, 2n], f: 1000000 })).toBe('baz:\n  - 1\n  - 2\nf: 1e+06');
  });
});

describe('fromYaml', () => {
  it('reads YAML 1.1 through JSON: numbers become float64', () => {
    expect(fromYaml('a: 1\nb: [x, 2.5]\nc: yes\nd: ~\ne: 2001-12-14')).toEqual({
      a: 1,
      b: ['x', 2.5],
      c: true,
      d: null,
      e: '2001-12-14',
    });
  });

  it('reports type mismatches and syntax errors in the Error key', () => {
    expect(fromYaml('- a')['Error']).toBe(
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
    expect(String(fromYaml('a: [')['Error'])).toMatch(/^error converting YAML to JSON: yaml: line \d+: /);
    expect(fromYaml('')).toEqual({});
  });

  it('fromYamlArray returns the list or the error as its only element', () => {
    expect(fromYamlArray('- a\n- 1')).toEqual(['a', 1]);
    expect(fromYamlArray('a: b')).toEqual([
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}',
    ]);
  });

  it('resolves anchors and merge keys', () => {
    expect(fromYaml('base: &b {x: 1}\nderived:\n  <<: *b\n  w: 2')).toEqual({
      base: { x: 1 },
      derived: { x: 1, w: 2 },
    });
    // YAML 1.1: a bare y is a boolean key, which the JSON step turns into "true".
    expect(fromYaml('y: 1')).toEqual({ true: 1 });
  });

  it('reads only the first document and refuses alias bombs', () => {
    expect(fromYaml('a: 1\n---\nb: [')).toEqual({ a: 1 });
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(9)
          .fill(`*${'abcdefghij'[i - 1]}`)
          .join(',')}]`,
      );
    expect(fromYaml(bomb.join('\n'))['Error']).toBe(
      'error converting YAML to JSON: yaml: document contains excessive aliasing',
    );
  });
});
