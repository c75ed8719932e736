import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvReader, type InvalidEnvValue } from './env-reader.js';

describe('EnvReader', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-env-reader-'));
    await writeFile(join(dir, 'token'), 'from-file\n');
    await writeFile(join(dir, 'spaced'), ' keep spaces \n\n');
    await writeFile(join(dir, 'empty'), '\n');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('treats unset and blank variables as unset, without problems', () => {
    const reader = new EnvReader({ BLANK: '  ', EMPTY: '' });
    for (const name of ['BLANK', 'EMPTY', 'UNSET']) {
      expect(reader.string(name)).toBeUndefined();
      expect(reader.list(name)).toBeUndefined();
      expect(reader.secret(name)).toBeUndefined();
      expect(reader.integer(name)).toBeUndefined();
      expect(reader.duration(name)).toBeUndefined();
      expect(reader.byteSize(name)).toBeUndefined();
      expect(reader.boolean(name)).toBeUndefined();
    }
    expect(reader.problems).toEqual([]);
  });

  it('reads typed values', () => {
    const reader = new EnvReader({
      NAME: ' flux ',
      URLS: 'a, b,,c ',
      COUNT: '3',
      WAIT: ' 1m30s',
      SIZE: '512Mi',
      ON: 'TRUE',
      ONE: '1',
      OFF: 'false',
      ZERO: '0',
    });
    expect(reader.string('NAME')).toBe('flux');
    expect(reader.list('URLS')).toEqual(['a', 'b', 'c']);
    expect(reader.integer('COUNT', { min: 1 })).toBe(3);
    expect(reader.duration('WAIT')).toBe(90_000);
    expect(reader.byteSize('SIZE')).toBe(512 * 2 ** 20);
    expect([reader.boolean('ON'), reader.boolean('ONE')]).toEqual([true, true]);
    expect([reader.boolean('OFF'), reader.boolean('ZERO')]).toEqual([false, false]);
    expect(reader.problems).toEqual([]);
  });

  it('records every malformed value in reading order, in the default wording', () => {
    const reader = new EnvReader({
      COUNT: 'five',
      LOW: '0',
      HUGE: '99999999999999999999',
      WAIT: '1 day',
      SIZE: 'big',
      FLAG: 'yes',
      PROTO: 'constructor',
    });
    expect(reader.integer('COUNT')).toBeUndefined();
    expect(reader.integer('LOW', { min: 1 })).toBeUndefined();
    expect(reader.integer('HUGE')).toBeUndefined();
    expect(reader.duration('WAIT')).toBeUndefined();
    expect(reader.byteSize('SIZE')).toBeUndefined();
    expect(reader.boolean('FLAG')).toBeUndefined();
    expect(reader.boolean('PROTO')).toBeUndefined();
    reader.problem('a check of the caller');
    expect(reader.problems).toEqual([
      "COUNT='five' is not a whole number",
      "LOW='0' is not a whole number >= 1",
      "HUGE='99999999999999999999' is not a whole number",
      "WAIT='1 day' is not a Go duration such as 30s, 5m or 24h",
      "SIZE='big' is not a byte size such as 1048576, 512Mi or 1G",
      "FLAG='yes' is not true or false",
      "PROTO='constructor' is not true or false",
      'a check of the caller',
    ]);
  });

  it('words problems as the caller describes them', () => {
    const seen: InvalidEnvValue[] = [];
    const reader = new EnvReader({ KEEP: ' 0 ' }, (invalid) => {
      seen.push(invalid);
      return `${invalid.name} is wrong`;
    });
    expect(reader.integer('KEEP', { min: 1 })).toBeUndefined();
    expect(reader.problems).toEqual(['KEEP is wrong']);
    expect(seen).toEqual([{ name: 'KEEP', value: '0', kind: 'integer', min: 1 }]);
  });

  it('takes inline secrets verbatim and file secrets without one trailing newline', () => {
    const reader = new EnvReader({
      INLINE: ' pa ss ',
      FROM_FILE_FILE: join(dir, 'token'),
      SPACED_FILE: ` ${join(dir, 'spaced')} `,
    });
    expect(reader.secret('INLINE')).toBe(' pa ss ');
    expect(reader.secret('FROM_FILE')).toBe('from-file');
    expect(reader.secret('SPACED')).toBe(' keep spaces \n');
    expect(reader.problems).toEqual([]);
  });

  it('rejects conflicting, unreadable and empty secret sources', () => {
    const reader = new EnvReader({
      BOTH: 'inline',
      BOTH_FILE: join(dir, 'token'),
      MISSING_FILE: join(dir, 'missing'),
      EMPTY_FILE: join(dir, 'empty'),
    });
    expect(reader.secret('BOTH')).toBeUndefined();
    expect(reader.secret('MISSING')).toBeUndefined();
    expect(reader.secret('EMPTY')).toBeUndefined();
    expect(reader.problems).toEqual([
      'set only one of BOTH and BOTH_FILE',
      expect.stringMatching(/^MISSING_FILE '.*missing' cannot be read: ENOENT/),
      `EMPTY_FILE '${join(dir, 'empty')}' is empty`,
    ]);
  });
});
