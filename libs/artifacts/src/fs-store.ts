// Filesystem artifact store for single-process mode. Files live at `<root>/<path>`; digests in
// `<root>/.flotilla-meta/<path>.json`; writes go to `<root>/.flotilla-tmp/` and are renamed into
// place, so a file is either absent or complete.
import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { DEFAULT_GC, type ArtifactGcDefaults, type FsArtifactStoreConfig } from './config.js';
import { DigestingStream, parseDigest, toReadable, verifyDigest, type ByteSource } from './digest.js';
import { ArtifactNotFoundError } from './errors.js';
import { collectGarbage, type GcOptions, type GcResult } from './gc.js';
import { objectDirectory, validateArtifactPath, type ObjectRef } from './paths.js';
import type { ArtifactFileInfo, ArtifactStore, GetArtifactOptions, StoredArtifact } from './store.js';

const META_DIR = '.flotilla-meta';
const TEMP_DIR = '.flotilla-tmp';

interface FileMetadata {
  digest: string;
}

export class FsArtifactStore implements ArtifactStore {
  readonly backend = 'fs' as const;
  private readonly gcDefaults: ArtifactGcDefaults;

  private constructor(
    private readonly root: string,
    gcDefaults: ArtifactGcDefaults | undefined,
    private readonly logger: Logger | undefined,
  ) {
    this.gcDefaults = gcDefaults ?? DEFAULT_GC;
  }

  static async open(config: FsArtifactStoreConfig, logger?: Logger): Promise<FsArtifactStore> {
    const temp = join(config.root, TEMP_DIR);
    await mkdir(temp, { recursive: true });
    await removeStaleTempFiles(temp);
    return new FsArtifactStore(config.root, config.gc, logger);
  }

  async put(path: string, body: ByteSource): Promise<StoredArtifact & { digest: string }> {
    const target = this.filePath(path);
    const digesting = new DigestingStream();
    const temp = this.tempPath();
    try {
      // `flush` fsyncs before close, so the rename below never exposes unwritten data after a crash.
      await pipeline(
        toReadable(body),
        digesting,
        createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true }),
      );
      // Metadata first: a reader that races the rename sees a mismatch, never an unverified file.
      await this.writeMetadata(path, { digest: digesting.digest() });
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const stats = await stat(target);
    return { path, digest: digesting.digest(), size: digesting.byteCount(), lastUpdateTime: stats.mtime };
  }

  async get(path: string, options: GetArtifactOptions = {}): Promise<Readable> {
    const target = this.filePath(path);
    if (options.digest !== undefined) parseDigest(options.digest);
    const expected = options.digest ?? (await this.readMetadata(path))?.digest;
    const handle = await open(target, 'r').catch((error: unknown) => {
      throw isNotFound(error) ? new ArtifactNotFoundError(path) : error;
    });
    const stream = handle.createReadStream();
    return expected === undefined ? stream : verifyDigest(stream, expected, path);
  }

  async head(path: string): Promise<StoredArtifact | null> {
    const stats = await stat(this.filePath(path)).catch((error: unknown) => {
      if (isNotFound(error)) return null;
      throw error;
    });
    if (stats === null || !stats.isFile()) return null;
    const metadata = await this.readMetadata(path);
    return { path, digest: metadata?.digest, size: stats.size, lastUpdateTime: stats.mtime };
  }

  async list(ref: ObjectRef): Promise<ArtifactFileInfo[]> {
    const directory = objectDirectory(ref);
    const entries = await readdir(join(this.root, directory), { withFileTypes: true }).catch(
      (error: unknown) => {
        if (isNotFound(error)) return [];
        throw error;
      },
    );
    const files: ArtifactFileInfo[] = [];
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const stats = await stat(join(this.root, directory, entry.name)).catch(() => null);
      if (stats !== null)
        files.push({ path: directory + entry.name, size: stats.size, lastUpdateTime: stats.mtime });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  async delete(path: string): Promise<void> {
    await rm(this.filePath(path), { force: true });
    await rm(this.metadataPath(path), { force: true });
  }

  async deleteAll(ref: ObjectRef): Promise<string[]> {
    const directory = objectDirectory(ref);
    const entries = await readdir(join(this.root, directory), { recursive: true, withFileTypes: true }).catch(
      (error: unknown) => {
        if (isNotFound(error)) return [];
        throw error;
      },
    );
    const paths = entries
      .filter((entry) => entry.isFile())
      .map((entry) => relative(this.root, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort();
    await rm(join(this.root, directory), { recursive: true, force: true });
    await rm(join(this.root, META_DIR, directory), { recursive: true, force: true });
    return paths;
  }

  async copy(from: string, to: string): Promise<StoredArtifact> {
    const target = this.filePath(to);
    const metadata = await this.readMetadata(from);
    const temp = this.tempPath();
    try {
      await copyFile(this.filePath(from), temp, constants.COPYFILE_EXCL);
      if (metadata !== undefined) await this.writeMetadata(to, metadata);
      else await rm(this.metadataPath(to), { force: true });
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw isNotFound(error) ? new ArtifactNotFoundError(from) : error;
    }
    const stats = await stat(target);
    return { path: to, digest: metadata?.digest, size: stats.size, lastUpdateTime: stats.mtime };
  }

  async gc(ref: ObjectRef, options: GcOptions = {}): Promise<GcResult> {
    return collectGarbage(this, ref, options, this.gcDefaults, this.logger);
  }

  async close(): Promise<void> {
    // Nothing held open between calls.
  }

  private tempPath(): string {
    return join(this.root, TEMP_DIR, randomUUID());
  }

  private filePath(path: string): string {
    return join(this.root, validateArtifactPath(path));
  }

  private metadataPath(path: string): string {
    return join(this.root, META_DIR, `${validateArtifactPath(path)}.json`);
  }

  private async writeMetadata(path: string, metadata: FileMetadata): Promise<void> {
    const target = this.metadataPath(path);
    const temp = this.tempPath();
    await writeFile(temp, JSON.stringify(metadata), { flag: 'wx' });
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }

  private async readMetadata(path: string): Promise<FileMetadata | undefined> {
    let text: string;
    try {
      text = await readFile(this.metadataPath(path), 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const digest: unknown = (JSON.parse(text) as Partial<FileMetadata>).digest;
    if (typeof digest !== 'string') return undefined;
    parseDigest(digest);
    return { digest };
  }
}

// Leftovers of writes interrupted by a crash; an hour is far longer than any write in progress.
const STALE_TEMP_MS = 3_600_000;

async function removeStaleTempFiles(directory: string): Promise<void> {
  const cutoff = Date.now() - STALE_TEMP_MS;
  for (const name of await readdir(directory)) {
    const stats = await stat(join(directory, name)).catch(() => null);
    if (stats !== null && stats.mtimeMs < cutoff)
      await rm(join(directory, name), { force: true, recursive: true });
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
