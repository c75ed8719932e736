import { describe, expect, it } from 'vitest';
import { camelCase, goSplit, wrapCustom } from './strings.js';
import { render } from './test-support/render.js';

describe('string functions', () => {
  it.each([
    ['{{ trim "\\t x \\n" }}', 'x'],
    ['{{ trimAll "-" "--a-b--" }}', 'a-b'],
    ['{{ trimPrefix "ab" "abc" }}|{{ trimSuffix "bc" "abc" }}', 'c|a'],
    ['{{ upper "aB" }}{{ lower "Cd" }}', 'ABcd'],
    ['{{ title "hello wide-world" }}', 'Hello Wide-World'],
    ['{{ untitle "Hello World" }}', 'hello world'],
    ['{{ repeat 3 "ab" }}', 'ababab'],
    ['{{ substr 1 3 "hello" }}|{{ substr -1 2 "hello" }}|{{ substr 2 99 "hello" }}', 'el|he|llo'],
    ['{{ nospace " a b\\tc " }}', 'abc'],
    ['{{ trunc 2 "hello" }}|{{ trunc -2 "hello" }}|{{ trunc 9 "hi" }}', 'he|lo|hi'],
    ['{{ abbrev 6 "hello world" }}|{{ abbrev 3 "hello" }}', 'hel...|hello'],
    ['{{ initials "ada lovelace byron" }}', 'alb'],
    [
      '{{ contains "ll" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "x" "hello" }}',
      'true true false',
    ],
    ['{{ quote "a\\"b" 3 }}|{{ squote "x" }}', '"a\\"b" "3"|\'x\''],
    ['{{ cat "a" 1 nil true }}', 'a 1 true'],
    ['{{ indent 2 "x\\ny" }}|{{ nindent 1 "z" }}', '  x\n  y|\n z'],
    ['{{ replace "a" "o" "banana" }}', 'bonono'],
    ['{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', 'one many'],
    ['{{ snakecase "ParseHTTPRequest" }} {{ kebabcase "fooBar baz" }}', 'parse_http_request foo-bar-baz'],
    ['{{ swapcase "aBc" }}', 'AbC'],
    ['{{ $p := split "," "a,b" }}{{ $p._1 }}', 'b'],
    ['{{ splitList "," "a,b,c" }}', '[a b c]'],
    ['{{ $p := splitn "," 2 "a,b,c" }}{{ $p._1 }}', 'b,c'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('prints nil as <nil> where Sprig formats it', () => {
    expect(render('{{ toString nil }}|{{ dict nil 1 }}')).toBe('<nil>|map[<nil>:1]');
  });

  it('rejects arguments of the wrong Go type and negative repeats', () => {
    expect(() => render('{{ repeat -1 "x" }}')).toThrow('negative Repeat count');
    expect(() => render('{{ trunc "x" "hello" }}')).toThrow(/expected int/);
  });

  it('splits like Go, including empty separators and limits', () => {
    expect(goSplit('abc', '')).toEqual(['a', 'b', 'c']);
    expect(goSplit('a.b.c', '.', 2)).toEqual(['a', 'b.c']);
    expect(goSplit('a.b', '.', 0)).toEqual([]);
  });

  it('camel-cases like xstrings, keeping leading connectors', () => {
    expect(camelCase('__a_b-c d')).toBe('__ABCD');
    expect(camelCase('x')).toBe('X');
  });

  it('wraps at spaces and optionally breaks long words', () => {
    expect(wrapCustom('aaa bbb ccc', 7, '', false)).toBe('aaa bbb\nccc');
    expect(wrapCustom('abcdefgh', 3, '|', true)).toBe('abc|def|gh');
    expect(wrapCustom('abcdefgh ij', 3, '|', false)).toBe('abcdefgh|ij');
  });
});
