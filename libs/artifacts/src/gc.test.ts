import { describe, expect, it } from 'vitest';
import { selectGarbage, validateGcSettings } from './gc.js';

const dir = 'gitrepository/default/app/';
const now = new Date('2025-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);
const file = (name: string, secondsAgo: number) => ({ path: dir + name, lastUpdateTime: ago(secondsAgo) });

describe('selectGarbage', () => {
  const files = [file('a.tar.gz', 300), file('b.tar.gz', 200), file('c.tar.gz', 30), file('d.tar.gz', 10)];

  it('deletes non-current artifacts older than the TTL', () => {
    expect(selectGarbage(files, { keep: 10, ttlMs: 60_000, current: dir + 'd.tar.gz', now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'b.tar.gz',
    ]);
  });

  it('keeps at most `keep` artifacts, oldest going first, whatever their age', () => {
    expect(selectGarbage(files, { keep: 2, ttlMs: 3_600_000, current: dir + 'd.tar.gz', now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'b.tar.gz',
    ]);
    expect(selectGarbage(files, { keep: 1, ttlMs: 3_600_000, current: dir + 'd.tar.gz', now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'b.tar.gz',
      dir + 'c.tar.gz',
    ]);
  });

  it('counts the current artifact towards `keep` but never deletes it', () => {
    expect(selectGarbage(files, { keep: 2, ttlMs: 3_600_000, current: dir + 'a.tar.gz', now })).toEqual([
      dir + 'b.tar.gz',
      dir + 'c.tar.gz',
    ]);
    expect(selectGarbage(files, { keep: 1, ttlMs: 0, current: dir + 'a.tar.gz', now })).toEqual([
      dir + 'b.tar.gz',
      dir + 'c.tar.gz',
      dir + 'd.tar.gz',
    ]);
  });

  it('combines both rules: TTL first, then the count on what is left', () => {
    // a and b expire; c and d remain, within keep 2.
    expect(selectGarbage(files, { keep: 2, ttlMs: 100_000, now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'b.tar.gz',
    ]);
    // Nothing current: with keep 1 the newest survives.
    expect(selectGarbage(files, { keep: 1, ttlMs: 100_000, now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'b.tar.gz',
      dir + 'c.tar.gz',
    ]);
  });

  it('deletes lock files with their artifact and ignores lock files and aliases otherwise', () => {
    const withExtras = [
      ...files,
      file('a.tar.gz.lock', 300),
      file('d.tar.gz.lock', 10),
      file('orphan.tar.gz.lock', 999),
      file('latest.tar.gz', 999),
      file('index.yaml', 999),
    ];
    expect(selectGarbage(withExtras, { keep: 3, ttlMs: 3_600_000, current: dir + 'd.tar.gz', now })).toEqual([
      dir + 'a.tar.gz',
      dir + 'a.tar.gz.lock',
    ]);
  });

  it('breaks timestamp ties by path so the result is deterministic', () => {
    const tied = [file('y.tar.gz', 50), file('x.tar.gz', 50), file('z.tar.gz', 50)];
    expect(selectGarbage(tied, { keep: 1, ttlMs: 3_600_000, now })).toEqual([
      dir + 'x.tar.gz',
      dir + 'y.tar.gz',
    ]);
  });

  it('deletes nothing when within limits', () => {
    expect(selectGarbage(files, { keep: 4, ttlMs: 3_600_000, now })).toEqual([]);
    expect(selectGarbage([], { keep: 1, ttlMs: 0, now })).toEqual([]);
  });
});

describe('validateGcSettings', () => {
  it('rejects keep below 1 and negative TTLs', () => {
    expect(() => validateGcSettings(0, 1000)).toThrow('keep must be an integer >= 1');
    expect(() => validateGcSettings(1.5, 1000)).toThrow('keep must be an integer >= 1');
    expect(() => validateGcSettings(2, -1)).toThrow('ttlMs must be a number >= 0');
    expect(() => validateGcSettings(2, 0)).not.toThrow();
  });
});
