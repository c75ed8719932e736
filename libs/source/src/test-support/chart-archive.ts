// Reads a .tgz into a map of path → text, for assertions (extracted with the store's safe unpacker).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { unpackTarball } from '@flotilla/artifacts';
import { withTempDir } from '../temp-dir.js';

export async function readChartFromArchive(archive: Buffer): Promise<Map<string, string>> {
  return withTempDir('read-archive', async (dir) => {
    const root = join(dir, 'out');
    await unpackTarball(Readable.from([archive]), root);
    const files = new Map<string, string>();
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      files.set(relative(root, path).split(sep).join('/'), await readFile(path, 'utf8'));
    }
    return files;
  });
}
