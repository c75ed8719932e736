import { describe, expect, it } from 'vitest';
import { Template, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { helmFunctions } from './index.js';
import { fromJson, fromJsonArray, toJson } from './json.js';
import { fromToml, toToml } from './toml.js';

function render(
  text: string,
  data: GoValue = null,
  lookup?: (a: string, k: string, ns: string, n: string) => GoMap,
): string {
  return Template.parse('t', text, { funcs: helmFunctions(lookup ? { lookup } : {}) }).execute(data);
}

describe('helmFunctions', () => {
  it('drops env and expandenv, as Helm removes them', () => {
    expect(() => render('{{ env "HOME" }}')).toThrow('function "env" not defined');
    expect(() => render('{{ expandenv "$HOME" }}')).toThrow('function "expandenv" not defined');
  });

  it('lookup is an empty map offline and calls the given lookup otherwise', () => {
    expect(render('{{ lookup "v1" "Namespace" "" "x" }}')).toBe('map[]');
    const seen: string[] = [];
    const out = render('{{ (lookup "v1" "ConfigMap" "ns" "cm").data.k }}', null, (a, k, ns, n) => {
      seen.push([a, k, ns, n].join('|'));
      return { data: { k: 'v' } };
    });
    expect(out).toBe('v');
    expect(seen).toEqual(['v1|ConfigMap|ns|cm']);
  });

  it('round-trips values through toYaml/fromYaml and toJson/fromJson', () => {
    expect(render('{{ (fromYaml (toYaml .)).a.b }}', { a: { b: 'c' } })).toBe('c');
    expect(render('{{ (fromJson (toJson .)).n }}', { n: 3n })).toBe('3');
    expect(render('{{ mustToJson . }}', { s: '<&>' })).toBe('{"s":"\\u003c\\u0026\\u003e"}');
  });

  it('getHostByName is disabled (DNS lookups are off unless enabled)', () => {
    expect(render('{{ getHostByName "example.com" }}')).toBe('');
  });
});

describe('JSON', () => {
  it('encodes like encoding/json and decodes numbers as float64', () => {
    expect(toJson({ b: 1n, a: [1.5, null, true] })).toBe('{"a":[1.5,null,true],"b":1}');
    expect(fromJson('{"a": 1}')).toEqual({ a: 1 });
    expect(fromJson('null')).toEqual({});
    expect(fromJson('{')['Error']).toBe('unexpected end of JSON input');
    expect(fromJson('{"a": x}')['Error']).toBe("invalid character 'x' looking for beginning of value");
    expect(fromJsonArray('{}')).toEqual([
      'json: cannot unmarshal object into Go value of type []interface {}',
    ]);
  });
});

describe('TOML', () => {
  it('encodes plain keys first, then tables, with two-space indents', () => {
    expect(toToml({ z: 'last', a: 1n, t: { k: 1.5, sub: { x: true } }, list: [1n, 2n] })).toBe(
      'a = 1\nlist = [1, 2]\nz = "last"\n\n[t]\n  k = 1.5\n  [t.sub]\n    x = true\n',
    );
    expect(toToml({ arr: [{ a: 1n }, { a: 2n }] })).toBe('[[arr]]\n  a = 1\n\n[[arr]]\n  a = 2\n');
    expect(toToml('x')).toBe('toml: top-level values must be Go maps or structs');
  });

  it('decodes integers as int64 and reports errors in the Error key', () => {
    expect(fromToml('a = 1\nb = 2.5\n[t]\nc = "d"')).toEqual({ a: 1n, b: 2.5, t: { c: 'd' } });
    expect(String(fromToml('a = ')['Error'])).toMatch(/^toml: /);
  });
});
