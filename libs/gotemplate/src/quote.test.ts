import { describe, expect, it } from 'vitest';
import { htmlEscape, jsEscape, urlQueryEscape } from './escape.js';
import { quoteGo, quoteRuneGo, unquoteGo } from './quote.js';

describe('quoting', () => {
  it('quotes like strconv.Quote', () => {
    expect(quoteGo('a\tb"\\\x01é\u200b')).toBe('"a\\tb\\"\\\\\\x01é\\u200b"');
    expect(quoteGo('é', true)).toBe('"\\u00e9"');
    expect(quoteRuneGo(0x27)).toBe("'\\''");
  });

  it('unquotes Go literals', () => {
    expect(unquoteGo('"a\\x41\\u00e9\\101\\n"')).toBe('aAéA\n');
    expect(unquoteGo('`raw\\n`')).toBe('raw\\n');
    expect(unquoteGo("'x'")).toBe('x');
    expect(() => unquoteGo('"\\q"')).toThrow('invalid syntax');
  });
});

describe('escapers', () => {
  it('escapes HTML, JS and URL query text like Go', () => {
    expect(htmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(jsEscape(`'"\\<>&=\n é`)).toBe('\\\'\\"\\\\\\u003C\\u003E\\u0026\\u003D\\u000A é');
    expect(urlQueryEscape('a b&c=d/é')).toBe('a+b%26c%3Dd%2F%C3%A9');
  });
});
