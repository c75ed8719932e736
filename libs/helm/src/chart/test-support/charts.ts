/** Chart fixtures for tests: in-memory file lists, directories on disk and .tgz archives. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { ChartFile } from '../types.js';

export type FileTree = Record<string, string | Uint8Array>;

const encoder = new TextEncoder();

export function files(tree: FileTree): ChartFile[] {
  return Object.entries(tree).map(([name, data]) => ({
    name,
    data: typeof data === 'string' ? encoder.encode(data) : data,
  }));
}

/** Writes the tree under a new temporary directory and returns it. */
export function writeTree(tree: FileTree, dir = mkdtempSync(join(tmpdir(), 'helm-chart-'))): string {
  for (const [name, data] of Object.entries(tree)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  }
  return dir;
}

/** A gzipped tarball of the tree with every entry under `prefix/`. */
export async function tgz(tree: FileTree, prefix: string): Promise<Uint8Array> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, data] of Object.entries(tree)) {
    pack.entry(
      { name: prefix === '' ? name : `${prefix}/${name}` },
      Buffer.from(typeof data === 'string' ? encoder.encode(data) : data),
    );
  }
  pack.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

export function chartYaml(name: string, extra = ''): string {
  return `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;
}
