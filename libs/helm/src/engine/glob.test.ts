import { describe, expect, it } from 'vitest';
import { compileGlob, GlobSyntaxError } from './glob.js';

describe('compileGlob (gobwas/glob with / separator)', () => {
  const cases: [string, string, boolean][] = [
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', false],
    ['**.txt', 'dir/a.txt', true],
    ['story/**', 'story/name.txt', true],
    ['**/captain.txt', 'ship/captain.txt', true],
    ['**/captain.txt', 'captain.txt', false],
    ['file?.yaml', 'file1.yaml', true],
    ['file?.yaml', 'file/.yaml', false],
    ['[ab]*', 'b1', true],
    ['[!ab]*', 'b1', false],
    ['[a-c]x', 'cx', true],
    ['{conf,data}/*', 'data/x', true],
    ['{conf,data}/*', 'other/x', false],
    ['\\*', '*', true],
    ['a.b', 'axb', false],
  ];
  it.each(cases)('%s matches %s: %s', (pattern, name, want) => {
    expect(compileGlob(pattern)(name)).toBe(want);
  });

  it('rejects malformed patterns', () => {
    expect(() => compileGlob('[ab')).toThrow(GlobSyntaxError);
    expect(() => compileGlob('{a,b')).toThrow(GlobSyntaxError);
  });
});
