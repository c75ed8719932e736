import { describe, expect, it } from 'vitest';
import { seq, untilStep } from './lists.js';
import { render } from './test-support/render.js';

describe('list functions', () => {
  it.each([
    ['{{ list 1 "a" nil }}', '[1 a <nil>]'],
    ['{{ append (list 1) 2 }}|{{ prepend (list 1) 0 }}', '[1 2]|[0 1]'],
    ['{{ first (list 7 8) }} {{ last (list 7 8) }}', '7 8'],
    ['{{ rest (list 7 8 9) }} {{ initial (list 7 8 9) }}', '[8 9] [7 8]'],
    ['{{ reverse (list 1 2 3) }}', '[3 2 1]'],
    ['{{ uniq (list 1 1.0 1 "1") }}', '[1 1 1]'],
    ['{{ without (list 1 2 3 2) 2 3 }}', '[1]'],
    ['{{ has 2 (list 1 2) }} {{ has "2" (list 1 2) }}', 'true false'],
    ['{{ compact (list 0 "" nil false "x" 1) }}', '[x 1]'],
    ['{{ slice (list 1 2 3 4) 1 3 }}', '[2 3]'],
    ['{{ chunk 2 (list 1 2 3) }}', '[[1 2] [3]]'],
    ['{{ concat (list 1) (list 2 3) }}', '[1 2 3]'],
    ['{{ sortAlpha (list "b" 10 "a" 9) }}', '[10 9 a b]'],
    ['{{ join "," (list "a" nil 2) }}', 'a,2'],
    ['{{ toStrings (list 1 true) }}', '[1 true]'],
    ['{{ until 3 }} {{ untilStep 1 7 3 }}', '[0 1 2] [1 4]'],
    ['{{ seq 3 }}|{{ seq 2 0 }}|{{ seq 1 2 6 }}', '1 2 3|2 1 0|1 3 5'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('reports non-list arguments in Sprig words', () => {
    expect(() => render('{{ mustFirst 3 }}')).toThrow('Cannot find first on type int');
    expect(() => render('{{ concat (list 1) 2 }}')).toThrow('Cannot concat type int as list');
  });

  it('steps only in the direction of stop', () => {
    expect(untilStep(5n, 1n, -2n)).toEqual([5n, 3n]);
    expect(untilStep(5n, 1n, 1n)).toEqual([]);
    expect(seq([5n, 1n, 1n])).toBe('');
    expect(seq([5n, 2n, 9n])).toBe('5 7 9');
  });
});
