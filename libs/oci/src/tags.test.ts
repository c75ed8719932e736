import { describe, expect, it } from 'vitest';
import { selectSemverTag, tagVersion } from './tags.js';

describe('tagVersion', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['v1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['v2', '2.0.0'],
    ['1.0.0-rc.1', '1.0.0-rc.1'],
    ['1.0.0_build.5', '1.0.0+build.5'],
    ['latest', undefined],
    ['1.2.3.4', undefined],
    ['01.2.3', undefined],
  ])('%s → %s', (tag, version) => {
    expect(tagVersion(tag)).toBe(version);
  });
});

describe('selectSemverTag', () => {
  const tags = ['latest', 'v1.0.0', '1.1.0', '1.2.0-rc.1', '1.10.0', '2.0.0', 'dev-2.1.0', '1.9.9_build.1'];

  it('picks the highest matching tag and returns it as written', () => {
    expect(selectSemverTag(tags, '*')).toEqual({ tag: '2.0.0', version: '2.0.0' });
    expect(selectSemverTag(tags, '1.x')).toEqual({ tag: '1.10.0', version: '1.10.0' });
    expect(selectSemverTag(tags, '>=1.0.0, <1.5.0')).toEqual({ tag: '1.1.0', version: '1.1.0' });
    expect(selectSemverTag(tags, '~1.9')).toEqual({ tag: '1.9.9_build.1', version: '1.9.9+build.1' });
    expect(selectSemverTag(tags, '<1.1.0')).toEqual({ tag: 'v1.0.0', version: '1.0.0' });
    expect(selectSemverTag(tags, '>=3')).toBeUndefined();
  });

  it('keeps prereleases out unless the range names one', () => {
    expect(selectSemverTag(['1.2.0-rc.1', '1.1.0'], '>=1.1.0')?.tag).toBe('1.1.0');
    expect(selectSemverTag(['1.2.0-rc.1', '1.1.0'], '>=1.2.0-rc.0')?.tag).toBe('1.2.0-rc.1');
  });

  it('applies semverFilter as an unanchored regex before comparing', () => {
    expect(selectSemverTag(tags, '*', { filter: '^1\\.1' })?.tag).toBe('1.10.0');
    expect(selectSemverTag(tags, '*', { filter: /^v/ })?.tag).toBe('v1.0.0');
    expect(() => selectSemverTag(tags, '*', { filter: '(' })).toThrow(/invalid semverFilter/);
    expect(() => selectSemverTag(tags, 'nope')).toThrow(/invalid SemVer range/);
  });
});
