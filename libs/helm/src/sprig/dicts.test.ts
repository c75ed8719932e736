import { describe, expect, it } from 'vitest';
import { mergeInto } from './dicts.js';
import { render } from './test-support/render.js';

describe('dict functions', () => {
  it.each([
    ['{{ dict "a" 1 "b" }}', 'map[a:1 b:]'],
    ['{{ get (dict "a" 1) "a" }}|{{ get (dict) "zz" }}|', '1||'],
    ['{{ $d := dict }}{{ $_ := set $d "k" "v" }}{{ $d }}', 'map[k:v]'],
    ['{{ unset (dict "a" 1 "b" 2) "a" }}', 'map[b:2]'],
    ['{{ hasKey (dict "a" nil) "a" }}', 'true'],
    ['{{ pluck "x" (dict "x" 1) (dict "y" 2) (dict "x" 3) }}', '[1 3]'],
    ['{{ keys (dict "b" 1) (dict "a" 2) }}', '[a b]'],
    ['{{ values (dict "b" 1 "a" 2) }}', '[2 1]'],
    ['{{ pick (dict "a" 1 "b" 2) "b" }} {{ omit (dict "a" 1 "b" 2) "b" }}', 'map[b:2] map[a:1]'],
    ['{{ dig "a" "b" "none" (dict "a" (dict "b" 5)) }} {{ dig "a" "x" "none" (dict "a" (dict)) }}', '5 none'],
    [
      '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}',
      'map[a:1 b:3 n:map[x:1 y:2]]',
    ],
    ['{{ mergeOverwrite (dict "a" 1 "c" 5) (dict "a" 2 "c" 0) }}', 'map[a:2 c:5]'],
    ['{{ $a := dict "n" (list 1) }}{{ $b := deepCopy $a }}{{ $_ := set $b "n" 2 }}{{ $a }}', 'map[n:[1]]'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('fills empty destination values when merging without overwrite', () => {
    expect(mergeInto({ a: '', b: false }, { a: 'x', b: true }, false)).toEqual({ a: 'x', b: true });
  });
});
