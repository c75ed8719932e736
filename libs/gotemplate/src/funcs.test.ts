import { describe, expect, it } from 'vitest';
import { Template } from './template.js';
import type { GoValue } from './values.js';

function run(text: string, data: GoValue = null): string {
  return new Template('f').parse(text).execute(data);
}

const DATA: GoValue = { L: [1n, 2n, 3n], M: { a: 1n }, S: 'héllo', Z: 0n, N: null, U: 3.0 };

describe('builtins', () => {
  it.each<[string, string]>([
    ['{{and 1 0 2}} {{and 1 2}} {{or 0 "" 3}} {{or 0 ""}}', '0 2 3 '],
    ['{{not 0}} {{not .L}}', 'true false'],
    ['{{len .L}} {{len .M}} {{len .S}}', '3 1 6'],
    ['{{index .L 1}} {{index .M "a"}} {{index .M "zz"}} {{index "ab" 1}}', '2 1 <no value> 98'],
    ['{{slice .L 1}} {{slice .L 1 2}} {{slice "abc" 1 2}} {{slice .L}}', '[2 3] [2] b [1 2 3]'],
    [
      '{{print 1 2 "a" "b" 3}}|{{println 1 "a"}}|{{printf "%05.1f|%q" 3.14159 "x"}}',
      '1 2ab3|1 a\n|003.1|"x"',
    ],
    ['{{html "<b>"}} {{js "it\'s"}} {{urlquery "a b"}} {{html .N}}', "&lt;b&gt; it\\'s a+b &lt;no value&gt;"],
    ['{{eq 1 1}} {{eq 1 2 3 1}} {{eq "a" "a"}} {{eq .N .N}} {{eq .N 1}}', 'true true true true false'],
    ['{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}', 'true true true true false'],
  ])('%s', (text, want) => {
    expect(run(text, DATA)).toBe(want);
  });

  it('short-circuits and/or', () => {
    expect(run('{{or 1 (index .L 99)}} {{and 0 (index .L 99)}}', DATA)).toBe('1 0');
  });

  it('applies Go comparison rules', () => {
    expect(() => run('{{eq 1 1.0}}')).toThrow('error calling eq: incompatible types for comparison');
    expect(() => run('{{lt true false}}')).toThrow('error calling lt: invalid type for comparison');
    expect(() => run('{{lt .L 1}}', DATA)).toThrow('invalid type for comparison');
    expect(() => run('{{eq .L .L}}', DATA)).toThrow('non-comparable type [1 2 3]: []interface {}');
    expect(() => run('{{eq 1}}')).toThrow('missing argument for comparison');
    expect(run('{{eq .U 3.0}}', DATA)).toBe('true');
  });

  it('reports index, slice and len errors in Go wording', () => {
    expect(() => run('{{index .L 3}}', DATA)).toThrow('index out of range: 3');
    expect(() => run('{{index 1 0}}')).toThrow("can't index item of type int");
    expect(() => run('{{index .M 1}}', DATA)).toThrow('value has type int; should be string');
    expect(() => run('{{slice .L 2 1}}', DATA)).toThrow('invalid slice index: 2 > 1');
    expect(() => run('{{slice .S 1 2 3}}', DATA)).toThrow('cannot 3-index slice a string');
    expect(() => run('{{len 1}}')).toThrow('len of type int');
    expect(() => run('{{printf 1}}')).toThrow('expected string; found 1');
  });
});
