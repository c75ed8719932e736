import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeDir } from '@flotilla/testing';
import {
  DEFAULT_PATTERNS,
  ignoreMatcher,
  readPatterns,
  scopePattern,
  treeIgnoreMatcher,
} from './ignore-rules.js';

describe('ignore rules (source.md §1.1)', () => {
  let root: string;
  beforeAll(async () => {
    root = await makeTempDir('ignore');
    await mkdir(join(root, 'apps', 'dev'), { recursive: true });
    await mkdir(join(root, '.git', 'sub'), { recursive: true });
    await writeFile(join(root, 'apps', '.sourceignore'), '# comment\n\n*.secret\n/dev/\n!keep.secret\n');
    await writeFile(join(root, '.git', 'sub', '.sourceignore'), '*\n');
  });
  afterAll(() => removeDir(root));

  it('always excludes the VCS set and applies the defaults without user patterns', () => {
    const matcher = ignoreMatcher([]);
    expect(matcher.ignores('.git', true)).toBe(true);
    expect(matcher.ignores('.gitignore', false)).toBe(true);
    expect(matcher.ignores('sub/.gitmodules', false)).toBe(true);
    expect(matcher.ignores('img/logo.png', false)).toBe(true);
    expect(matcher.ignores('.github', true)).toBe(true);
    expect(matcher.ignores('deep/dir/.sops.yaml', false)).toBe(true);
    expect(matcher.ignores('release.tar.gz', false)).toBe(true);
    expect(matcher.ignores('deploy/app.yaml', false)).toBe(false);
    expect(matcher.patterns).toEqual([
      '.git/',
      '.gitignore',
      '.gitmodules',
      '.gitattributes',
      ...DEFAULT_PATTERNS,
    ]);
  });

  it('drops the defaults as soon as there is any user pattern', () => {
    const matcher = ignoreMatcher(readPatterns('*.txt'));
    expect(matcher.ignores('logo.png', false)).toBe(false);
    expect(matcher.ignores('notes.txt', false)).toBe(true);
    expect(matcher.ignores('.git', true)).toBe(true);
  });

  it('reads patterns with comments and blank lines skipped; later negations win', () => {
    expect(readPatterns('# c\n\n  \n*.md\n!README.md\n')).toEqual(['*.md', '!README.md']);
    const matcher = ignoreMatcher(readPatterns('*.md\n!README.md\n/build/\n'));
    expect(matcher.ignores('docs/a.md', false)).toBe(true);
    expect(matcher.ignores('README.md', false)).toBe(false);
    expect(matcher.ignores('build', true)).toBe(true);
    expect(matcher.ignores('sub/build', true)).toBe(false);
  });

  it('scopes nested .sourceignore patterns to their directory', () => {
    expect(scopePattern('*.secret', 'apps')).toBe('apps/**/*.secret');
    expect(scopePattern('/dev/', 'apps')).toBe('apps/dev/');
    expect(scopePattern('a/b', 'apps')).toBe('apps/a/b');
    expect(scopePattern('!keep.secret', 'apps')).toBe('!apps/**/keep.secret');
    expect(scopePattern('*.secret', '')).toBe('*.secret');
  });

  it('loads .sourceignore files recursively (not under .git) and appends spec.ignore', async () => {
    const matcher = await treeIgnoreMatcher(root, '*.log\n');
    expect(matcher.ignores('apps/x.secret', false)).toBe(true);
    expect(matcher.ignores('apps/keep.secret', false)).toBe(false);
    expect(matcher.ignores('apps/dev', true)).toBe(true);
    expect(matcher.ignores('dev', true)).toBe(false);
    expect(matcher.ignores('x.secret', false)).toBe(false);
    expect(matcher.ignores('a.log', false)).toBe(true);
    // User patterns exist, so the defaults are off.
    expect(matcher.ignores('logo.png', false)).toBe(false);
  });
});
