import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyDigest } from '../digest.js';
import { TarError } from '../errors.js';
import { buildTarball, type RawEntry } from '../test-support/tarballs.js';
import { packEntries } from './pack.js';
import { unpackTarball } from './unpack.js';

const MiB = 1024 * 1024;
const file = (name: string, content = 'x'): RawEntry => ({
  header: { name, type: 'file', mode: 0o644 },
  content,
});
const dir = (name: string): RawEntry => ({ header: { name, type: 'directory', mode: 0o755 } });
const symlinkEntry = (name: string, linkname: string): RawEntry => ({
  header: { name, type: 'symlink', linkname },
});
const hardlink = (name: string, linkname: string): RawEntry => ({ header: { name, type: 'link', linkname } });

describe('unpackTarball', () => {
  let parent: string;
  let dest: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'flotilla-unpack-'));
    dest = join(parent, 'out');
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('extracts files, directories, exec bits and in-root symlinks and hard links', async () => {
    const gz = await buildTarball([
      { header: { name: './', type: 'directory' } },
      dir('./deploy/'),
      file('./deploy/app.yaml', 'kind: Deployment\n'),
      { header: { name: 'bin/run.sh', type: 'file', mode: 0o700 }, content: '#!/bin/sh\n' },
      symlinkEntry('current', 'deploy/app.yaml'),
      symlinkEntry('deploy/up', '../bin'),
      hardlink('deploy/copy.yaml', 'deploy/app.yaml'),
      file('dup.txt', 'first'),
      file('dup.txt', 'second wins'),
    ]);
    const result = await unpackTarball(gz, dest);
    expect(result).toEqual({ files: 5, directories: 1, symlinks: 2, bytes: 17 + 10 + 5 + 11 });
    expect(await readFile(join(dest, 'deploy/app.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect(await readFile(join(dest, 'deploy/copy.yaml'), 'utf8')).toBe('kind: Deployment\n');
    expect(await readFile(join(dest, 'dup.txt'), 'utf8')).toBe('second wins');
    expect((await stat(join(dest, 'bin/run.sh'))).mode & 0o111).not.toBe(0);
    expect((await stat(join(dest, 'deploy/app.yaml'))).mode & 0o111).toBe(0);
    expect(await readlink(join(dest, 'current'))).toBe('deploy/app.yaml');
    expect(await readlink(join(dest, 'deploy/up'))).toBe('../bin');
    expect(await readdir(parent)).toEqual(['out']);
  });

  it('round-trips packEntries output', async () => {
    const files = {
      'a/b/c.txt': 'deep',
      'x.sh': { content: 'echo', executable: true },
      'y.bin': Buffer.from([0, 1, 2]),
    };
    await unpackTarball(packEntries(files), dest);
    expect(await readFile(join(dest, 'a/b/c.txt'), 'utf8')).toBe('deep');
    expect([...(await readFile(join(dest, 'y.bin')))]).toEqual([0, 1, 2]);
    expect((await stat(join(dest, 'x.sh'))).mode & 0o100).toBe(0o100);
  });

  it('replaces an empty destination directory but refuses a non-empty one', async () => {
    await mkdir(dest);
    await unpackTarball(packEntries({ 'a.txt': 'a' }), dest);
    expect(await readdir(dest)).toEqual(['a.txt']);
    await expect(unpackTarball(packEntries({ 'b.txt': 'b' }), dest)).rejects.toMatchObject({
      code: 'TAR_DESTINATION_NOT_EMPTY',
    });
    expect(await readdir(dest)).toEqual(['a.txt']);
    expect(await readdir(parent)).toEqual(['out']);
  });

  const hostile: Array<{
    name: string;
    entries: () => RawEntry[];
    code: string;
    entry: string;
    message: RegExp;
  }> = [
    {
      name: 'an absolute path',
      entries: () => [file('/etc/cron.d/evil')],
      code: 'TAR_PATH_ESCAPE',
      entry: '/etc/cron.d/evil',
      message: /absolute paths are not allowed/,
    },
    {
      name: 'a ../ path',
      entries: () => [file('ok.txt'), file('../x')],
      code: 'TAR_PATH_ESCAPE',
      entry: '../x',
      message: /'\.\.' path segments are not allowed/,
    },
    {
      name: 'a .. segment in the middle',
      entries: () => [file('a/../../x')],
      code: 'TAR_PATH_ESCAPE',
      entry: 'a/../../x',
      message: /'\.\.'/,
    },
    {
      name: 'a symlink to /etc',
      entries: () => [symlinkEntry('etc', '/etc')],
      code: 'TAR_LINK_ESCAPE',
      entry: 'etc',
      message: /link target '\/etc' is absolute/,
    },
    {
      name: 'a symlink a -> ../../x',
      entries: () => [symlinkEntry('a', '../../x')],
      code: 'TAR_LINK_ESCAPE',
      entry: 'a',
      message: /link target '\.\.\/\.\.\/x' points outside the extraction root/,
    },
    {
      name: 'a nested symlink climbing out',
      entries: () => [dir('d/'), symlinkEntry('d/e/up', '../../../x')],
      code: 'TAR_LINK_ESCAPE',
      entry: 'd/e/up',
      message: /points outside/,
    },
    {
      name: 'a symlink that escapes only through another symlink',
      // d/s -> ../e is harmless alone, but t -> d/s/../.. resolves via e/.. to the root's parent.
      entries: () => [symlinkEntry('d/s', '../e'), symlinkEntry('t', 'd/s/../..')],
      code: 'TAR_LINK_ESCAPE',
      entry: 't',
      message: /resolves outside the extraction root through other symlinks/,
    },
    {
      name: 'a file written through a symlink',
      entries: () => [dir('inside/'), symlinkEntry('s', 'inside'), file('s/x', 'through the link')],
      code: 'TAR_PATH_ESCAPE',
      entry: 's/x',
      message: /passes through the symlink 's'/,
    },
    {
      name: 'a hard link escaping the root',
      entries: () => [hardlink('passwd', '../../etc/passwd')],
      code: 'TAR_LINK_ESCAPE',
      entry: 'passwd',
      message: /link target '\.\.\/\.\.\/etc\/passwd' points outside/,
    },
    {
      name: 'an absolute hard link',
      entries: () => [hardlink('passwd', '/etc/passwd')],
      code: 'TAR_LINK_ESCAPE',
      entry: 'passwd',
      message: /is absolute/,
    },
    {
      name: 'a hard link to a symlink',
      entries: () => [symlinkEntry('s', 'x'), hardlink('h', 's')],
      code: 'TAR_PATH_ESCAPE',
      entry: 'h',
      message: /passes through the symlink 's'/,
    },
    {
      name: 'a hard link to nothing extracted',
      entries: () => [hardlink('h', 'missing')],
      code: 'TAR_INVALID_ENTRY',
      entry: 'h',
      message: /hard link target 'missing' is not a regular file extracted earlier/,
    },
    {
      name: 'a character device',
      entries: () => [{ header: { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 } }],
      code: 'TAR_UNSUPPORTED_ENTRY',
      entry: 'dev/null',
      message: /character-device entries are not allowed/,
    },
    {
      name: 'a block device',
      entries: () => [{ header: { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 } }],
      code: 'TAR_UNSUPPORTED_ENTRY',
      entry: 'sda',
      message: /block-device/,
    },
    {
      name: 'a FIFO',
      entries: () => [{ header: { name: 'pipe', type: 'fifo' } }],
      code: 'TAR_UNSUPPORTED_ENTRY',
      entry: 'pipe',
      message: /fifo/,
    },
    {
      name: 'a file where a directory was extracted',
      entries: () => [dir('a/'), file('a')],
      code: 'TAR_INVALID_ENTRY',
      entry: 'a',
      message: /a directory of that name was extracted earlier/,
    },
  ];

  for (const testCase of hostile) {
    it(`rejects ${testCase.name} and leaves nothing behind`, async () => {
      const error = await unpackTarball(await buildTarball(testCase.entries()), dest).catch(
        (caught) => caught,
      );
      expect(error).toBeInstanceOf(TarError);
      expect(error).toMatchObject({ code: testCase.code, entry: testCase.entry });
      expect((error as Error).message).toMatch(testCase.message);
      expect((error as Error).message).toContain(`'${testCase.entry}'`);
      expect(await readdir(parent)).toEqual([]);
      await expect(lstat(join(parent, '..', 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
    });
  }

  it('stops a gzip bomb at the entry header, before inflating it', async () => {
    const gz = await buildTarball([
      file('small.txt'),
      { header: { name: 'bomb.bin', type: 'file' }, content: { zeros: 64 * MiB } },
    ]);
    expect(gz.length).toBeLessThan(MiB);
    const started = Date.now();
    const error = await unpackTarball(gz, dest, { maxBytes: 4 * MiB }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'TAR_TOO_LARGE', entry: 'bomb.bin', limitBytes: 4 * MiB });
    expect((error as Error).message).toContain("tar entry 'bomb.bin' rejected");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await readdir(parent)).toEqual([]);
  });

  it('caps the decompressed stream itself, so zero padding cannot inflate forever', async () => {
    const gz = await buildTarball([file('a.txt')], 32 * MiB);
    const error = await unpackTarball(gz, dest, { maxBytes: MiB }).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'TAR_TOO_LARGE', entry: undefined });
    expect((error as Error).message).toContain(
      'tarball rejected: decompressed size exceeds the limit of 1048576 bytes',
    );
    expect(await readdir(parent)).toEqual([]);
  });

  it('caps the number of entries', async () => {
    const entries = Array.from({ length: 30 }, (_, index) => file(`f${String(index).padStart(2, '0')}`));
    const error = await unpackTarball(await buildTarball(entries), dest, { maxFiles: 25 }).catch(
      (caught) => caught,
    );
    expect(error).toMatchObject({ code: 'TAR_TOO_MANY_FILES', entry: 'f25', limitFiles: 25 });
    expect(await readdir(parent)).toEqual([]);
    expect((await unpackTarball(await buildTarball(entries), dest, { maxFiles: 30 })).files).toBe(30);
  });

  it('reports corrupt and truncated input as TAR_CORRUPT', async () => {
    await expect(unpackTarball(Buffer.from('definitely not gzip'), dest)).rejects.toMatchObject({
      code: 'TAR_CORRUPT',
    });
    const gz = await buildTarball([file('a.txt', 'a'.repeat(10_000))]);
    await expect(unpackTarball(gz.subarray(0, gz.length - 40), dest)).rejects.toMatchObject({
      code: 'TAR_CORRUPT',
    });
    const notTar = gzipSync(Buffer.alloc(1024, 'z'));
    await expect(unpackTarball(notTar, dest)).rejects.toMatchObject({ code: 'TAR_CORRUPT' });
    expect(await readdir(parent)).toEqual([]);
  });

  it('moves nothing into place when a digest check upstream fails at the end of the stream', async () => {
    const gz = await buildTarball([file('a.txt', 'content')]);
    const wrong = `sha256:${createHash('sha256').update('something else').digest('hex')}`;
    await expect(unpackTarball(verifyDigest(gz, wrong, 'x.tar.gz'), dest)).rejects.toMatchObject({
      code: 'ARTIFACT_DIGEST_MISMATCH',
    });
    expect(await readdir(parent)).toEqual([]);
  });

  it('passes through non-tar errors of the source', async () => {
    async function* failing() {
      yield (await buildTarball([file('a.txt')])).subarray(0, 20);
      throw new Error('connection reset by peer');
    }
    await expect(unpackTarball(failing(), dest)).rejects.toThrow('connection reset by peer');
    await writeFile(join(parent, 'marker'), '');
    expect(await readdir(parent)).toEqual(['marker']);
  });
});
