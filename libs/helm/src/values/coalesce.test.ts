import { describe, expect, it } from 'vitest';
import type { GoMap } from '@flotilla/gotemplate';
import type { Chart } from '../chart/types.js';
import { CoalesceError, coalesceValues, mergeValues } from './coalesce.js';

function chart(name: string, values: GoMap, deps: Chart[] = []): Chart {
  const c: Chart = { metadata: { name }, templates: [], files: [], values, dependencies: deps };
  for (const d of deps) d.parent = c;
  return c;
}

describe('coalesceValues', () => {
  it('lets user values win and keeps chart defaults underneath', () => {
    const c = chart('top', { a: 1, nested: { x: 1, y: 2 }, list: [1, 2] });
    expect(coalesceValues(c, { nested: { y: 3 }, list: [9], extra: true })).toEqual({
      a: 1,
      nested: { x: 1, y: 3 },
      list: [9],
      extra: true,
    });
  });

  it('does not modify the user values or the chart defaults', () => {
    const defaults = { nested: { x: 1 } };
    const user = { nested: { y: 2 } };
    const c = chart('top', defaults);
    coalesceValues(c, user);
    expect(defaults).toEqual({ nested: { x: 1 } });
    expect(user).toEqual({ nested: { y: 2 } });
  });

  it('deletes defaults set to null, in the chart and in subcharts', () => {
    const sub = chart('sub', { keep: 1, drop: 2 });
    const c = chart('top', { a: 1, b: 2, sub: { fromParent: 'p' } }, [sub]);
    expect(coalesceValues(c, { b: null, sub: { drop: null } })).toEqual({
      a: 1,
      sub: { keep: 1, fromParent: 'p', global: {} },
    });
  });

  it('mergeValues keeps nulls', () => {
    const c = chart('top', { a: 1, b: 2 });
    expect(mergeValues(c, { b: null })).toEqual({ a: 1, b: null });
  });

  it('fills subchart sections from their defaults and propagates globals down', () => {
    const deepest = chart('deepest', { what: 'milkshake', where: 'here' });
    const herrick = chart('herrick', { who: 'Robert', what: 'glasses' }, [deepest]);
    const top = chart(
      'top',
      { what: 'stinkweed', herrick: { who: 'time', what: 'Sun' }, global: { g: 'top' } },
      [herrick],
    );
    const out = coalesceValues(top, {
      what: 'rosebuds',
      herrick: { deepest: { what: 'flower' } },
      global: { when: 'to-day' },
    });
    expect(out).toEqual({
      what: 'rosebuds',
      global: { g: 'top', when: 'to-day' },
      herrick: {
        who: 'time',
        what: 'Sun',
        global: { g: 'top', when: 'to-day' },
        deepest: { what: 'flower', where: 'here', global: { g: 'top', when: 'to-day' } },
      },
    });
  });

  it('merges global tables top-down (the parent wins)', () => {
    const sub = chart('sub', { global: { t: { a: 'sub', b: 'sub' } } });
    const top = chart('top', { global: { t: { a: 'top' } } }, [sub]);
    expect(coalesceValues(top, {})['sub']).toEqual({ global: { t: { a: 'top', b: 'sub' } } });
  });

  it('warns, without failing, on table/non-table conflicts', () => {
    const warnings: string[] = [];
    const c = chart('top', { t: { x: 1 }, s: 'str' });
    const out = coalesceValues(c, { t: 'scalar', s: { x: 1 } }, { warn: (m) => warnings.push(m) });
    expect(out).toEqual({ t: 'scalar', s: { x: 1 } });
    expect(warnings).toEqual(['warning: skipped value for top.s: Not a table.']);
  });

  it('fails when a subchart section is not a table', () => {
    const c = chart('top', {}, [chart('sub', {})]);
    expect(() => coalesceValues(c, { sub: 'x' })).toThrow(CoalesceError);
    expect(() => coalesceValues(c, { sub: 'x' })).toThrow('type mismatch on sub: %!t(string=x)');
  });

  it('fails cleanly on values nested deeper than the stack', () => {
    let deep: GoMap = {};
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    expect(() => coalesceValues(chart('top', {}), deep)).toThrow(CoalesceError);
  });
});
