import { describe, expect, it } from 'vitest';
import { formatRevision, parseTagVersion, selectSemverTag, selectTarget, type RemoteRef } from './index.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);
const refs: RemoteRef[] = [
  { ref: 'HEAD', oid: a },
  { ref: 'refs/heads/main', oid: a },
  { ref: 'refs/heads/master', oid: c },
  { ref: 'refs/tags/v1.0.0', oid: b, peeled: c },
  { ref: 'refs/tags/1.1.0', oid: a },
  { ref: 'refs/pull/1/head', oid: b },
];

describe('revisions', () => {
  it('formats Flux revisions', () => {
    expect(formatRevision('main', a)).toBe(`main@sha1:${a}`);
    expect(formatRevision(undefined, a)).toBe(`sha1:${a}`);
  });
});

describe('semver tags', () => {
  it('parses tags leniently: v prefix, leading zeros, three parts only', () => {
    expect(parseTagVersion('v1.2.3')?.version).toBe('1.2.3');
    expect(parseTagVersion('01.02.03')?.version).toBe('1.2.3');
    expect(parseTagVersion('1.2')).toBeUndefined();
    expect(parseTagVersion('latest')).toBeUndefined();
  });

  it('picks the highest match; prereleases only when the range names one', () => {
    const tags = ['v1.0.0', 'v1.2.0', 'v1.3.0-rc.1', 'v2.0.0', 'junk'];
    expect(selectSemverTag('>=1.0.0 <2.0.0', tags)).toBe('v1.2.0');
    expect(selectSemverTag('>= 1.0, < 2.0', tags)).toBe('v1.2.0');
    expect(selectSemverTag('>=1.0.0-0 <2.0.0', tags)).toBe('v1.3.0-rc.1');
    expect(selectSemverTag('~1.0', tags)).toBe('v1.0.0');
    expect(selectSemverTag('>=3', tags)).toBeUndefined();
    expect(() => selectSemverTag('not a range', tags)).toThrow(/invalid semver range/);
  });
});

describe('selectTarget', () => {
  it('follows Flux precedence commit > name > semver > tag > branch, default master', () => {
    expect(selectTarget({}, refs, 'r')).toMatchObject({
      fetchRef: 'refs/heads/master',
      revisionName: 'master',
      shallow: true,
    });
    expect(selectTarget({ branch: 'main', tag: 'v1.0.0' }, refs, 'r')).toMatchObject({
      revisionName: 'v1.0.0',
      commit: c,
    });
    expect(selectTarget({ tag: 'v1.0.0', semver: '*' }, refs, 'r')).toMatchObject({
      revisionName: '1.1.0',
      commit: a,
    });
    expect(selectTarget({ semver: '*', name: 'refs/pull/1/head' }, refs, 'r')).toMatchObject({
      revisionName: 'refs/pull/1/head',
      commit: b,
    });
    const pinned = selectTarget({ name: 'refs/pull/1/head', commit: c }, refs, 'r');
    expect(pinned).toMatchObject({ pinnedCommit: c, shallow: false });
    expect(pinned.revisionName).toBeUndefined();
  });

  it('names what is missing', () => {
    expect(() => selectTarget({ branch: 'x' }, refs, 'repo')).toThrow("branch 'x' not found in repo");
    expect(() => selectTarget({ tag: 'x' }, refs, 'repo')).toThrow("tag 'x' not found in repo");
    expect(() => selectTarget({ name: 'refs/x' }, refs, 'repo')).toThrow("ref 'refs/x' not found in repo");
    expect(() => selectTarget({ commit: 'abc' }, refs, 'repo')).toThrow(/full 40-hex/);
  });
});
