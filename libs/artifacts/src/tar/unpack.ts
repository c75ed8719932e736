// Safe tar.gz extraction for artifacts fetched from storage or the network. Everything is
// extracted into a staging directory next to the destination and renamed into place only after
// the whole stream (including any digest check upstream) has ended cleanly, so a rejected tarball
// leaves nothing behind.
import { createWriteStream } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
} from 'node:fs/promises';
import { basename, dirname, join, posix, resolve } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar, { type ExtractEvents } from 'tar-stream';
import { toReadable, type ByteSource } from '../digest.js';
import {
  ArtifactError,
  TarCorruptError,
  TarDestinationNotEmptyError,
  TarInvalidEntryError,
  TarLinkEscapeError,
  TarPathEscapeError,
  TarTooLargeError,
  TarTooManyFilesError,
  TarUnsupportedEntryError,
} from '../errors.js';

/** Flux's default untar limit. */
export const DEFAULT_UNPACK_MAX_BYTES = 100 * 1024 * 1024;
export const DEFAULT_UNPACK_MAX_FILES = 100_000;

export interface UnpackOptions {
  /**
   * Cap on the decompressed tar stream (file contents plus tar headers), checked while
   * decompressing so a gzip bomb is stopped early. Default 100 MiB.
   */
  maxBytes?: number;
  /** Cap on the number of entries of any type (files, directories, links). Default 100,000. */
  maxFiles?: number;
}

export interface UnpackResult {
  readonly files: number;
  readonly directories: number;
  readonly symlinks: number;
  /** Total size of the regular files written. */
  readonly bytes: number;
}

type TarEntry = ExtractEvents['entry'][1];

const MAX_SYMLINK_HOPS = 40;
const FILE_MODE = 0o644;
const EXECUTABLE_MODE = 0o755;
const DIRECTORY_MODE = 0o755;
// Messages of tar-stream's parse errors (it throws plain Errors).
const TAR_PARSE_ERROR = /^(Invalid tar header|Invalid header|Unexpected end of data|Header exceeds max size)/;

/**
 * Extracts a gzip-compressed tarball into `destDir`, which must not exist or be an empty directory.
 * Rejects absolute paths, '..' segments, links leaving the root, device and FIFO entries, and
 * tarballs over the size or entry caps, each with a typed TarError naming the entry.
 */
export async function unpackTarball(
  source: ByteSource,
  destDir: string,
  options: UnpackOptions = {},
): Promise<UnpackResult> {
  const limits = {
    maxBytes: options.maxBytes ?? DEFAULT_UNPACK_MAX_BYTES,
    maxFiles: options.maxFiles ?? DEFAULT_UNPACK_MAX_FILES,
  };
  const destination = resolve(destDir);
  await assertDestinationUsable(destination);
  await mkdir(dirname(destination), { recursive: true });
  const staging = await mkdtemp(join(dirname(destination), `.${basename(destination)}.unpack-`));
  try {
    const result = await extractInto(source, staging, limits);
    await chmod(staging, DIRECTORY_MODE);
    await moveIntoPlace(staging, destination);
    return result;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function extractInto(
  source: ByteSource,
  root: string,
  limits: { maxBytes: number; maxFiles: number },
): Promise<UnpackResult> {
  const extractor = new Extractor(root, limits.maxBytes, limits.maxFiles);
  const extract = tar.extract();
  const piping = pipeline(toReadable(source), createGunzip(), new ByteLimit(limits.maxBytes), extract);
  // Observed at once so an early failure is never an unhandled rejection; awaited below.
  piping.catch(() => undefined);
  try {
    for await (const entry of extract) await extractor.add(entry);
    await piping;
    await extractor.verifySymlinks();
  } catch (error) {
    // Settles once every stage has torn down, before the caller removes the staging directory.
    const upstream: unknown = await piping.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    throw asTarError(rootCause(error, upstream));
  }
  return extractor.result();
}

/**
 * When the stream fails (corrupt gzip, size cap, digest mismatch), the entry being written only
 * sees "stream destroyed"; report the stream's own error instead. Our own rejections win.
 */
function rootCause(error: unknown, upstream: unknown): unknown {
  if (error instanceof ArtifactError || upstream === undefined) return error;
  if ((upstream as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return error;
  return upstream;
}

function asTarError(error: unknown): unknown {
  if (error instanceof ArtifactError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const message = (error as Error)?.message ?? '';
  if (code.startsWith('Z_') || TAR_PARSE_ERROR.test(message)) return new TarCorruptError(error);
  return error;
}

/** Counts decompressed bytes and fails as soon as the cap is passed. */
class ByteLimit extends Transform {
  private total = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.total += chunk.length;
    if (this.total > this.maxBytes) callback(new TarTooLargeError(this.maxBytes));
    else callback(null, chunk);
  }
}

class Extractor {
  private entries = 0;
  private files = 0;
  private directories = 0;
  private fileBytes = 0;
  /** Symlinks created so far (relative paths); nothing is ever written through one. */
  private readonly symlinks = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly maxBytes: number,
    private readonly maxFiles: number,
  ) {}

  async add(entry: TarEntry): Promise<void> {
    const { name, type } = entry.header;
    this.entries += 1;
    if (this.entries > this.maxFiles) throw new TarTooManyFilesError(this.maxFiles, name);
    const path = safeEntryPath(name);
    try {
      if (type === 'file' || type === 'contiguous-file') {
        await this.addFile(entry, path);
      } else {
        // Whatever content a non-file entry carries is not ours to write; keep the parser moving.
        entry.resume();
        await this.addNonFile(entry.header, path);
      }
    } catch (error) {
      throw asEntryError(name, error);
    }
  }

  result(): UnpackResult {
    return {
      files: this.files,
      directories: this.directories,
      symlinks: this.symlinks.size,
      bytes: this.fileBytes,
    };
  }

  /**
   * Each symlink was checked lexically when created, but a target like `d/s/../..` only shows
   * where it really leads once every symlink exists; resolve them all as the kernel would.
   */
  async verifySymlinks(): Promise<void> {
    for (const path of this.symlinks) {
      if (!(await this.resolvesInside(path))) {
        const target = await readlink(join(this.root, path));
        throw new TarLinkEscapeError(
          path,
          target,
          'resolves outside the extraction root through other symlinks',
        );
      }
    }
  }

  private async addFile(entry: TarEntry, path: string): Promise<void> {
    const { name, size, mode } = entry.header;
    if (path === '') throw new TarInvalidEntryError(name, 'a file cannot name the archive root');
    this.fileBytes += size;
    if (this.fileBytes > this.maxBytes) throw new TarTooLargeError(this.maxBytes, name);
    const target = await this.prepareTarget(name, path);
    const fileMode = (mode & 0o111) !== 0 ? EXECUTABLE_MODE : FILE_MODE;
    // 'wx' refuses to follow anything already at the path, symlinks included.
    // Through Readable.from: Node's pipeline misses errors of tar-stream's (streamx) entry streams.
    await pipeline(Readable.from(entry), createWriteStream(target, { flags: 'wx', mode: fileMode }));
    this.files += 1;
  }

  private async addNonFile(header: TarEntry['header'], path: string): Promise<void> {
    const { name, type } = header;
    if (path === '' && type === 'directory') return; // the optional './' root entry
    if (path === '') throw new TarInvalidEntryError(name, 'only a directory may name the archive root');
    if (type === 'directory') await this.addDirectory(name, path);
    else if (type === 'symlink') await this.addSymlink(name, path, header.linkname ?? '');
    else if (type === 'link') await this.addHardLink(name, path, header.linkname ?? '');
    else throw new TarUnsupportedEntryError(name, type ?? 'unknown-type');
  }

  private async addDirectory(name: string, path: string): Promise<void> {
    this.assertNotThroughSymlink(name, path, true);
    await mkdir(join(this.root, path), { recursive: true, mode: DIRECTORY_MODE });
    this.directories += 1;
  }

  private async addSymlink(name: string, path: string, target: string): Promise<void> {
    if (target === '') throw new TarInvalidEntryError(name, 'symlink has no target');
    if (target.startsWith('/')) throw new TarLinkEscapeError(name, target, 'is absolute');
    const resolved = posix.normalize(posix.join(posix.dirname(path), target));
    if (resolved === '..' || resolved.startsWith('../')) {
      throw new TarLinkEscapeError(name, target, 'points outside the extraction root');
    }
    const location = await this.prepareTarget(name, path);
    await symlink(target, location);
    this.symlinks.add(path);
  }

  private async addHardLink(name: string, path: string, linkname: string): Promise<void> {
    if (linkname.startsWith('/')) throw new TarLinkEscapeError(name, linkname, 'is absolute');
    const segments = linkname.split('/');
    if (segments.includes('..'))
      throw new TarLinkEscapeError(name, linkname, 'points outside the extraction root');
    const targetPath = segments.filter((segment) => segment !== '' && segment !== '.').join('/');
    this.assertNotThroughSymlink(name, targetPath, true);
    const existing = targetPath === '' ? null : await lstat(join(this.root, targetPath)).catch(() => null);
    if (existing === null || !existing.isFile()) {
      throw new TarInvalidEntryError(
        name,
        `hard link target '${linkname}' is not a regular file extracted earlier`,
      );
    }
    const location = await this.prepareTarget(name, path);
    await link(join(this.root, targetPath), location);
    this.files += 1;
  }

  /** Checks the path, creates its parent and clears a file or link left by an earlier duplicate entry. */
  private async prepareTarget(name: string, path: string): Promise<string> {
    this.assertNotThroughSymlink(name, path, false);
    const location = join(this.root, path);
    await mkdir(dirname(location), { recursive: true, mode: DIRECTORY_MODE });
    const existing = await lstat(location).catch(() => null);
    if (existing?.isDirectory())
      throw new TarInvalidEntryError(name, 'a directory of that name was extracted earlier');
    if (existing !== null) await rm(location);
    this.symlinks.delete(path);
    return location;
  }

  private assertNotThroughSymlink(name: string, path: string, includeSelf: boolean): void {
    const segments = path.split('/');
    const depth = includeSelf ? segments.length : segments.length - 1;
    for (let index = 1; index <= depth; index++) {
      const prefix = segments.slice(0, index).join('/');
      if (this.symlinks.has(prefix))
        throw new TarPathEscapeError(name, `it passes through the symlink '${prefix}'`);
    }
  }

  private async resolvesInside(linkPath: string): Promise<boolean> {
    const resolved = linkPath.split('/').slice(0, -1);
    const pending = (await readlink(join(this.root, linkPath))).split('/');
    let hops = 0;
    for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        if (resolved.pop() === undefined) return false;
        continue;
      }
      resolved.push(segment);
      const location = join(this.root, ...resolved);
      const stats = await lstat(location).catch(() => null);
      if (!stats?.isSymbolicLink()) continue;
      hops += 1;
      const target = await readlink(location);
      if (hops > MAX_SYMLINK_HOPS || target.startsWith('/')) return false;
      resolved.pop();
      pending.unshift(...target.split('/'));
    }
    return true;
  }
}

/** The entry's path relative to the root ('' for the root itself); rejects absolute and '..' paths. */
function safeEntryPath(name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) {
    throw new TarPathEscapeError(name, 'absolute paths are not allowed');
  }
  if (name.includes('\0')) throw new TarInvalidEntryError(name, 'the name contains a NUL byte');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new TarPathEscapeError(name, "'..' path segments are not allowed");
  return segments.join('/');
}

function asEntryError(name: string, error: unknown): unknown {
  if (error instanceof ArtifactError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
    return new TarInvalidEntryError(name, `it conflicts with an earlier entry (${code})`, { cause: error });
  }
  return error;
}

async function assertDestinationUsable(destination: string): Promise<void> {
  const stats = await stat(destination).catch(() => null);
  if (stats === null) return;
  if (!stats.isDirectory() || (await readdir(destination)).length > 0) {
    throw new TarDestinationNotEmptyError(destination);
  }
}

async function moveIntoPlace(staging: string, destination: string): Promise<void> {
  // An empty destination directory is replaced; rename() only replaces empty directories on some platforms.
  await rmdir(destination).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw code === 'ENOTEMPTY' ? new TarDestinationNotEmptyError(destination) : error;
  });
  await rename(staging, destination).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    throw code === 'ENOTEMPTY' || code === 'EEXIST' ? new TarDestinationNotEmptyError(destination) : error;
  });
}
