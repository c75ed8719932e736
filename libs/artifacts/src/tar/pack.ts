// Deterministic tar.gz packing in Flux's tarball layout (spec README "Tarball layout"): entries in
// walk order (each directory before its children, siblings by name), directory entries 0750,
// files 0600 or 0700 when any execute bit is set, uid/gid 0, empty user/group names, mtime 0;
// symlinks and other non-regular files omitted. Same tree in, same bytes (and digest) out.
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pipelineCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Pack } from 'tar-stream';
import { createDeterministicGzip } from './gzip.js';

export interface PackFilterEntry {
  readonly type: 'file' | 'directory';
}

/**
 * Decides whether a path (relative, '/'-separated, no leading '/') goes into the tarball;
 * excluding a directory excludes everything below it.
 */
export type PackFilter = (path: string, entry: PackFilterEntry) => boolean | Promise<boolean>;

export interface PackDirectoryOptions {
  filter?: PackFilter;
}

/** In-memory file content for packEntries; `executable` gives mode 0700 instead of 0600. */
export type PackEntryContent =
  string | Uint8Array | { readonly content: string | Uint8Array; readonly executable?: boolean };

interface TarItem {
  readonly path: string;
  readonly directory: boolean;
  readonly executable: boolean;
  readonly size: number;
  readonly body?: () => Readable | Buffer;
}

const EPOCH = new Date(0);
const DIRECTORY_MODE = 0o750;
const FILE_MODE = 0o600;
const EXECUTABLE_MODE = 0o700;
const ANY_EXECUTE_BIT = 0o111;

/** Packs the tree under `dir` into a gzip-compressed tarball stream; walk errors fail the stream. */
export function packDirectory(dir: string, options: PackDirectoryOptions = {}): Readable {
  return packItems(() => collectDirectory(dir, options.filter));
}

/**
 * Packs in-memory files (keys are relative '/'-separated paths); parent directories get entries as
 * they would from packDirectory, so the same files on disk pack to the same bytes.
 */
export function packEntries(
  entries: Record<string, PackEntryContent> | Map<string, PackEntryContent>,
): Readable {
  const pairs = entries instanceof Map ? [...entries] : Object.entries(entries);
  return packItems(async () => itemsFromEntries(pairs));
}

function packItems(collect: () => Promise<TarItem[]>): Readable {
  const pack = tar.pack();
  const [gzip, normaliser] = createDeterministicGzip();
  // The callback form destroys every stage on error, so failures surface on the returned stream.
  const output = pipelineCallback(pack, gzip, normaliser, () => undefined);
  const fill = async () => {
    const items = (await collect()).sort((a, b) => comparePaths(a.path, b.path));
    for (const item of items) await addEntry(pack, item);
    pack.finalize();
  };
  fill().catch((error: unknown) => pack.destroy(error as Error));
  return output;
}

function addEntry(pack: Pack, item: TarItem): Promise<void> {
  const header = {
    name: item.directory ? `${item.path}/` : item.path,
    type: item.directory ? ('directory' as const) : ('file' as const),
    mode: item.directory ? DIRECTORY_MODE : item.executable ? EXECUTABLE_MODE : FILE_MODE,
    size: item.size,
    uid: 0,
    gid: 0,
    uname: '',
    gname: '',
    mtime: EPOCH,
  };
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    const body = item.body?.();
    if (body === undefined) pack.entry(header, done);
    else if (Buffer.isBuffer(body)) pack.entry(header, body, done);
    else pipeline(body, pack.entry(header, done)).catch(reject);
  });
}

async function collectDirectory(root: string, filter: PackFilter | undefined): Promise<TarItem[]> {
  const items: TarItem[] = [];
  const pending = [''];
  for (let relative = pending.pop(); relative !== undefined; relative = pending.pop()) {
    for (const dirent of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const item = await describe(root, path, dirent, filter);
      if (item === undefined) continue;
      items.push(item);
      if (item.directory) pending.push(path);
    }
  }
  return items;
}

async function describe(
  root: string,
  path: string,
  dirent: { isDirectory(): boolean; isFile(): boolean },
  filter: PackFilter | undefined,
): Promise<TarItem | undefined> {
  // Symlinks, sockets, devices and FIFOs are omitted, as Flux does.
  if (!dirent.isDirectory() && !dirent.isFile()) return undefined;
  const type = dirent.isDirectory() ? 'directory' : 'file';
  if (filter !== undefined && !(await filter(path, { type }))) return undefined;
  if (type === 'directory') return { path, directory: true, executable: false, size: 0 };
  const absolute = join(root, path);
  const stats = await lstat(absolute);
  return {
    path,
    directory: false,
    executable: (stats.mode & ANY_EXECUTE_BIT) !== 0,
    size: stats.size,
    body: () => createReadStream(absolute),
  };
}

function itemsFromEntries(pairs: [string, PackEntryContent][]): TarItem[] {
  const files = new Map<string, TarItem>();
  const directories = new Set<string>();
  for (const [path, entry] of pairs) {
    const segments = path.split('/');
    if (
      path.startsWith('/') ||
      segments.some((segment) => segment === '' || segment === '.' || segment === '..')
    ) {
      throw new Error(`packEntries: '${path}' must be a relative path without empty, '.' or '..' segments`);
    }
    for (let depth = 1; depth < segments.length; depth++) directories.add(segments.slice(0, depth).join('/'));
    const content = typeof entry === 'string' || entry instanceof Uint8Array ? entry : entry.content;
    const bytes =
      typeof content === 'string'
        ? Buffer.from(content)
        : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const executable = typeof entry === 'object' && 'content' in entry ? entry.executable === true : false;
    files.set(path, { path, directory: false, executable, size: bytes.length, body: () => bytes });
  }
  for (const directory of directories) {
    if (files.has(directory)) throw new Error(`packEntries: '${directory}' is both a file and a directory`);
  }
  const directoryItems = [...directories].map((path) => ({
    path,
    directory: true,
    executable: false,
    size: 0,
  }));
  return [...directoryItems, ...files.values()];
}

/** Walk order: compares path segment by segment, so a directory sorts right before its children. */
export function comparePaths(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index] as string;
    const y = right[index] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
