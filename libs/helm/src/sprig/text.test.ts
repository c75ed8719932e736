import { describe, expect, it } from 'vitest';
import { adler32, decryptAES, encryptAES } from './crypto.js';
import { formatDuration, parseDuration } from './durations.js';
import { base32Decode, base32Encode } from './encoding.js';
import { cleanPath } from './paths.js';
import { expandTemplate } from './regex.js';
import { render } from './test-support/render.js';

describe('regex, encoding, hashing, paths, types, semver, durations and urls', () => {
  it.each([
    ['{{ regexMatch "^a+$" "aaa" }} {{ regexFind "[0-9]+" "ab12c34" }}', 'true 12'],
    ['{{ regexFindAll "[0-9]" "a1b2c3" 2 }}', '[1 2]'],
    ['{{ regexReplaceAll "(?P<w>b+)" "abbc" "<${w}>" }}', 'a<bb>c'],
    ['{{ regexReplaceAllLiteral "b" "abc" "$0" }}', 'a$0c'],
    ['{{ regexSplit "," "a,b,c" 2 }} {{ regexSplit "x*" "ab" -1 }}', '[a b,c] [a b]'],
    ['{{ regexQuoteMeta "a.b*c" }}', 'a\\.b\\*c'],
    [
      '{{ b64enc "hi?" }} {{ b64dec "aGk/" }} {{ b64dec "%%" }}',
      'aGk/ hi? illegal base64 data at input byte 0',
    ],
    ['{{ sha1sum "" }}', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    [
      '{{ base "/a/b/" }} {{ dir "/a/b" }} {{ ext "x.tar.gz" }} {{ isAbs "/x" }} {{ osClean "a//b/../c" }}',
      'b /a .gz true a/c',
    ],
    [
      '{{ kindOf (list) }} {{ kindOf 1.5 }} {{ typeOf (dict) }} {{ kindIs "map" (dict) }}',
      'slice float64 map[string]interface {} true',
    ],
    ['{{ typeIs "int" 3 }} {{ deepEqual (list 1 (dict "a" 2)) (list 1 (dict "a" 2)) }}', 'true true'],
    [
      '{{ semverCompare ">=1.2, <2" "1.5.0" }} {{ semverCompare "~1.2" "1.3.0" }} {{ semverCompare "^1" "v1.9" }}',
      'true false true',
    ],
    ['{{ semverCompare ">= 1.2 < 2" "1.4" }} {{ semverCompare "<1 || >= 3" "2.0.0" }}', 'true false'],
    ['{{ duration "90" }} {{ durationRound "49h" }} {{ durationRound "30s" }}', '1m30s 2d 30s'],
    [
      '{{ $u := urlParse "https://me@example.com:8443/p?q=1#f" }}{{ $u.hostname }} {{ $u.userinfo }} {{ urlJoin $u }}',
      'example.com me https://me@example.com:8443/p?q=1#f',
    ],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('reports bad patterns and constraints as errors', () => {
    expect(() => render('{{ regexMatch "a(" "a" }}')).toThrow(/missing closing \)/);
    expect(() => render('{{ semverCompare "nope" "1.0.0" }}')).toThrow('improper constraint: nope');
    expect(() => render('{{ semverCompare "1.0.0" "nope" }}')).toThrow('Invalid Semantic Version');
  });

  it('expands replacement templates like Go', () => {
    expect(expandTemplate('$1x ${1}x $$ $9', 'ab', [0, 2, 0, 1], {})).toBe(' ax $ ');
  });

  it('round-trips base32 and AES', () => {
    expect(base32Decode(base32Encode(Buffer.from('hello!'))).toString()).toBe('hello!');
    expect(() => base32Decode('ABC')).toThrow(/illegal base32 data/);
    expect(decryptAES('k', encryptAES('k', 'secret text'))).toBe('secret text');
    expect(adler32('Wikipedia')).toBe(0x11e60398);
  });

  it('formats and parses Go durations', () => {
    expect(formatDuration(1_500_000n)).toBe('1.5ms');
    expect(formatDuration(-3_661_000_000_000n)).toBe('-1h1m1s');
    expect(parseDuration('1.5h')).toBe(5_400_000_000_000n);
    expect(parseDuration('5')).toBeNull();
    expect(cleanPath('../../a/..')).toBe('../..');
  });
});
