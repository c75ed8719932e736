import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { computeDigest } from '../digest.js';
import { comparePaths, packDirectory, packEntries } from './pack.js';
import { unpackTarball } from './unpack.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function tarHeaders(gz: Buffer): Promise<Header[]> {
  const extract = tar.extract();
  const piping = pipeline(Readable.from([gz]), createGunzip(), extract);
  const headers: Header[] = [];
  for await (const entry of extract) {
    headers.push(entry.header);
    entry.resume();
  }
  await piping;
  return headers;
}

const LONG_DIR = 'a-directory-name-that-is-quite-long-on-purpose/another-directory-name-that-is-also-long';
const LONG_SEGMENT = `${'x'.repeat(140)}.yaml`;

describe('packDirectory', () => {
  const cleanup: string[] = [];
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
    for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function makeTree(): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-pack-'));
    cleanup.push(root);
    await mkdir(join(root, 'deploy/base'), { recursive: true });
    await mkdir(join(root, 'empty'));
    await writeFile(join(root, 'deploy/base/app.yaml'), 'kind: Deployment\n');
    await writeFile(join(root, 'deploy-notes.txt'), 'sorted after deploy/\n');
    await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    await writeFile(join(root, 'README.md'), '# readme\n', { mode: 0o644 });
    return root;
  }

  it('writes Flux tarball layout: walk order, normalised modes, owners and times, no root entry', async () => {
    const root = await makeTree();
    const headers = await tarHeaders(await readAll(packDirectory(root)));
    expect(headers.map((header) => [header.name, header.type, header.mode.toString(8), header.size])).toEqual(
      [
        ['README.md', 'file', '600', 9],
        ['deploy/', 'directory', '750', 0],
        ['deploy/base/', 'directory', '750', 0],
        ['deploy/base/app.yaml', 'file', '600', 17],
        ['deploy-notes.txt', 'file', '600', 21],
        ['empty/', 'directory', '750', 0],
        ['run.sh', 'file', '700', 18],
      ],
    );
    for (const header of headers) {
      expect(header).toMatchObject({ uid: 0, gid: 0, uname: '', gname: '' });
      expect(header.mtime.getTime()).toBe(0);
    }
  });

  it('gives the same digest for the same tree, whatever the timestamps and non-exec mode bits', async () => {
    const first = await makeTree();
    const second = await makeTree();
    const old = new Date('2001-02-03T04:05:06Z');
    await utimes(join(second, 'README.md'), old, old);
    await utimes(join(second, 'deploy'), old, old);
    await chmod(join(second, 'README.md'), 0o640);
    await chmod(join(second, 'run.sh'), 0o750);
    const digestOf = async (dir: string) => (await computeDigest(packDirectory(dir))).digest;
    const digest = await digestOf(first);
    expect(await digestOf(first)).toBe(digest);
    expect(await digestOf(second)).toBe(digest);
    await writeFile(join(second, 'README.md'), '# changed\n');
    expect(await digestOf(second)).not.toBe(digest);
  });

  it('writes a gzip header without time or platform', async () => {
    const gz = await readAll(packDirectory(await makeTree()));
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  });

  it('omits symlinks and other non-regular files', async () => {
    const root = await makeTree();
    await symlink('README.md', join(root, 'link-to-readme'));
    await symlink('/etc', join(root, 'link-to-etc'));
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(join(root, 'socket'), resolve));
    const names = (await tarHeaders(await readAll(packDirectory(root)))).map((header) => header.name);
    expect(names).not.toContain('link-to-readme');
    expect(names).not.toContain('link-to-etc');
    expect(names).not.toContain('socket');
    expect(names).toHaveLength(7);
  });

  it('applies the filter, skipping whole excluded directories', async () => {
    const root = await makeTree();
    const seen: string[] = [];
    const stream = packDirectory(root, {
      filter: async (path, entry) => {
        seen.push(`${entry.type}:${path}`);
        return path !== 'deploy' && !path.endsWith('.sh');
      },
    });
    const names = (await tarHeaders(await readAll(stream))).map((header) => header.name);
    expect(names).toEqual(['README.md', 'deploy-notes.txt', 'empty/']);
    expect(seen).toContain('directory:deploy');
    expect(seen).toContain('file:run.sh');
    expect(seen).not.toContain('directory:deploy/base');
  });

  it('handles long names and unpacks them intact', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-pack-'));
    cleanup.push(root);
    await mkdir(join(root, LONG_DIR), { recursive: true });
    await writeFile(join(root, LONG_DIR, LONG_SEGMENT), 'long\n');
    await writeFile(join(root, 'ünïcödé.txt'), 'utf8\n');
    const gz = await readAll(packDirectory(root));
    const names = (await tarHeaders(gz)).map((header) => header.name);
    expect(names).toContain(`${LONG_DIR}/${LONG_SEGMENT}`);
    expect(names).toContain('ünïcödé.txt');
    const out = join(root, 'out');
    await unpackTarball(gz, out);
    expect(await readFile(join(out, LONG_DIR, LONG_SEGMENT), 'utf8')).toBe('long\n');
    expect(await readFile(join(out, 'ünïcödé.txt'), 'utf8')).toBe('utf8\n');
  });

  it('closes the file it is reading when the consumer abandons the stream', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-pack-'));
    cleanup.push(root);
    await writeFile(join(root, 'big.bin'), Buffer.alloc(32 * 1024 * 1024, 7));
    const openCopies = async () => {
      let count = 0;
      for (const fd of await readdir('/proc/self/fd')) {
        const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
        if (target === join(root, 'big.bin')) count += 1;
      }
      return count;
    };
    for await (const _ of packDirectory(root)) {
      expect(await openCopies()).toBe(1);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await openCopies()).toBe(0);
  });

  it('fails the stream when the directory cannot be read', async () => {
    await expect(
      readAll(packDirectory(join(tmpdir(), 'flotilla-does-not-exist-1a2b'))),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('packEntries', () => {
  it('packs the same bytes as packDirectory for the same files', async () => {
    const root = await mkdtemp(join(tmpdir(), 'flotilla-pack-'));
    try {
      await mkdir(join(root, 'deploy/base'), { recursive: true });
      await writeFile(join(root, 'deploy/base/app.yaml'), 'kind: Deployment\n');
      await writeFile(join(root, 'run.sh'), 'echo\n', { mode: 0o755 });
      const fromDisk = await readAll(packDirectory(root));
      const fromMemory = await readAll(
        packEntries({
          'run.sh': { content: 'echo\n', executable: true },
          'deploy/base/app.yaml': Buffer.from('kind: Deployment\n'),
        }),
      );
      expect(fromMemory.equals(fromDisk)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects paths that are not clean relative paths, or are both file and directory', async () => {
    for (const path of ['../x', '/abs', 'a//b', './a', 'a/..']) {
      await expect(readAll(packEntries({ [path]: 'x' })), path).rejects.toThrow('must be a relative path');
    }
    await expect(readAll(packEntries({ a: 'file', 'a/b': 'nested' }))).rejects.toThrow(
      "'a' is both a file and a directory",
    );
  });
});

describe('comparePaths', () => {
  it('orders a directory right before its children', () => {
    expect(['a-b', 'a/z', 'a', 'a/b/c', 'B'].sort(comparePaths)).toEqual(['B', 'a', 'a/b/c', 'a/z', 'a-b']);
  });
});
