import { describe, expect, it } from 'vitest';
import { goMatch } from './gomatch.js';
import { IgnoreRules } from './helmignore.js';

describe('goMatch (filepath.Match)', () => {
  it.each([
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'dir/a.yaml', false],
    ['templates/*', 'templates/a.yaml', true],
    ['templates/?.yaml', 'templates/ab.yaml', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[!a]x', '!x', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'axb', false],
    ['templates/controller-service*.yaml', 'templates/controller-service-metrics.yaml', true],
    ['a-[x-z].(yaml)', 'a-y.(yaml)', true],
  ])('%s matches %s: %s', (pattern, name, want) => {
    expect(goMatch(pattern, name)).toBe(want);
  });

  it('rejects malformed patterns', () => {
    expect(() => goMatch('[abc', 'a')).toThrow('syntax error in pattern');
    expect(() => goMatch('abc\\', 'a')).toThrow('syntax error in pattern');
  });
});

describe('.helmignore rules', () => {
  const rules = IgnoreRules.parse(
    ['# comment', '', '*.bak', '.git/', '/top.txt', 'docs/*.md', 'secret?'].join('\n'),
  ).addDefaults();

  it('matches base names for rules without a slash, at any depth', () => {
    expect(rules.ignore('a.bak', false)).toBe(true);
    expect(rules.ignore('templates/x.bak', false)).toBe(true);
    expect(rules.ignore('templates/secret1', false)).toBe(true);
  });

  it('applies directory-only rules to directories only', () => {
    expect(rules.ignore('.git', true)).toBe(true);
    expect(rules.ignore('.git', false)).toBe(false);
  });

  it('anchors leading-slash rules at the chart root and matches path rules structurally', () => {
    expect(rules.ignore('top.txt', false)).toBe(true);
    expect(rules.ignore('sub/top.txt', false)).toBe(false);
    expect(rules.ignore('docs/a.md', false)).toBe(true);
    expect(rules.ignore('docs/sub/a.md', false)).toBe(false);
  });

  it('ignores dot files under templates/ by default, never the root', () => {
    expect(rules.ignore('templates/.hidden.yaml', false)).toBe(true);
    expect(rules.ignore('templates/shown.yaml', false)).toBe(false);
    expect(rules.ignore('.', true)).toBe(false);
  });

  it("keeps Helm's negation semantics: a negated rule ignores whatever it does not match", () => {
    const negated = IgnoreRules.parse('!keep.txt');
    expect(negated.ignore('keep.txt', false)).toBe(false);
    expect(negated.ignore('other.txt', false)).toBe(true);
  });

  it('refuses ** and malformed patterns', () => {
    expect(() => IgnoreRules.parse('a/**/b')).toThrow('double-star (**) syntax is not supported');
    expect(() => IgnoreRules.parse('[x')).toThrow('syntax error in pattern');
  });
});
