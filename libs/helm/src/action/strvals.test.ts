import { describe, expect, it } from 'vitest';
import type { GoMap } from '@flotilla/gotemplate';
import { parseSet, parseSetFile, parseSetString } from './strvals.js';

function set(...exprs: string[]): GoMap {
  const out: GoMap = {};
  for (const e of exprs) parseSet(e, out);
  return out;
}

describe('strvals', () => {
  it.each([
    ['name=value', { name: 'value' }],
    ['a=1,b=true,c=null,d=0,e=007,f=1.5,g=', { a: 1n, b: true, c: null, d: 0n, e: '007', f: '1.5', g: '' }],
    ['x.y.z=1', { x: { y: { z: 1n } } }],
    ['list={a,b,3}', { list: ['a', 'b', 3n] }],
    ['list[1]=b', { list: [null, 'b'] }],
    ['list[0].name=n,list[0].v=2', { list: [{ name: 'n', v: 2n }] }],
    ['m[0][1]=x', { m: [[null, 'x']] }],
    ['a\\.b=c\\,d', { 'a.b': 'c,d' }],
    ['big=9223372036854775808', { big: '9223372036854775808' }],
    ['T=TRUE', { T: true }],
  ])('--set %s', (expr, want) => {
    expect(set(expr)).toEqual(want);
  });

  it('merges into existing maps and lists', () => {
    expect(set('a.b=1', 'a.c=2', 'l[0]=x', 'l[2]=z')).toEqual({ a: { b: 1n, c: 2n }, l: ['x', null, 'z'] });
  });

  it('keeps every value a string with --set-string', () => {
    const out: GoMap = {};
    parseSetString('a=1,b=true,c=null', out);
    expect(out).toEqual({ a: '1', b: 'true', c: 'null' });
  });

  it('reads files with --set-file', () => {
    const out: GoMap = {};
    parseSetFile('cfg=path/to/file', out, (p) => `contents of ${p}`);
    expect(out).toEqual({ cfg: 'contents of path/to/file' });
  });

  it.each([
    ['name', 'key "name" has no value'],
    ['name,b=1', 'key "name" has no value (cannot end with ,)'],
    ['a.=1', 'key map "a" has no value'],
    ['l[-1]=x', 'negative -1 index not allowed'],
    ['l[70000]=x', 'index of 70000 is greater than maximum supported index of 65536'],
    ['l[x]=1', 'error parsing index'],
    ['l={a,b', "list must terminate with '}'"],
    [`${'a.'.repeat(31)}b=1`, 'value name nested level is greater than maximum supported nested level of 30'],
  ])('rejects %s', (expr, message) => {
    expect(() => set(expr)).toThrow(message);
  });

  it('fails when a key changes from a value to a map', () => {
    expect(() => set('a=1', 'a.b=2')).toThrow(
      'unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}',
    );
  });
});
