import { describe, expect, it } from 'vitest';
import { render } from './test-support/render.js';

describe('defaults and JSON', () => {
  it.each([
    ['{{ default "d" "" }} {{ default "d" "v" }} {{ default "d" }}', 'd v d'],
    ['{{ empty (list) }} {{ empty (dict "a" 1) }} {{ empty 0.0 }}', 'true false true'],
    ['{{ coalesce 0 "" "x" }} {{ all 1 "a" }} {{ any 0 "" }}', 'x true false'],
    ['{{ ternary 1 2 true }} {{ ternary 1 2 false }}', '1 2'],
    ['{{ toJson (dict "b" (list 1 2.5 nil) "a" "<&>") }}', '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,null]}'],
    ['{{ toRawJson (dict "a" "<>") }}', '{"a":"<>"}'],
    ['{{ toPrettyJson (dict "a" (list 1) "e" (dict)) }}', '{\n  "a": [\n    1\n  ],\n  "e": {}\n}'],
    ['{{ $v := fromJson "{\\"a\\": [1, 2]}" }}{{ index $v.a 1 }}', '2'],
    ['{{ fromJson "not json" }}', '<no value>'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('fails with the given message', () => {
    expect(() => render('{{ fail "boom" }}')).toThrow('error calling fail: boom');
  });
});
