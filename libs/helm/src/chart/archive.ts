/**
 * Reads a chart archive (.tgz) into memory the way Helm's loader.LoadArchiveFiles does: the first
 * path segment (the chart directory) is dropped, PAX headers and directories are skipped, unsafe
 * paths are rejected, and the decompressed size is capped.
 */
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { HelmError } from './errors.js';
import type { ChartFile } from './types.js';

/** Helm's MaxDecompressedChartSize and MaxDecompressedFileSize. */
export const MAX_DECOMPRESSED_CHART_SIZE = 100 * 1024 * 1024;
export const MAX_DECOMPRESSED_FILE_SIZE = 5 * 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const DRIVE_PATH = /^[a-zA-Z]:\//;

export function trimBom(data: Uint8Array): Uint8Array {
  return data[0] === UTF8_BOM[0] && data[1] === UTF8_BOM[1] && data[2] === UTF8_BOM[2]
    ? data.subarray(3)
    : data;
}

export function isGzip(data: Uint8Array): boolean {
  return data[0] === 0x1f && data[1] === 0x8b;
}

/** The files of a gzipped chart tarball, names relative to the chart directory. */
export async function readArchiveFiles(archive: Uint8Array): Promise<ChartFile[]> {
  if (!isGzip(archive)) throw new HelmError('file does not appear to be a gzipped archive');
  const extract = tar.extract();
  const piping = pipeline(Readable.from([Buffer.from(archive)]), createGunzip(), extract);
  piping.catch(() => undefined);
  const files: ChartFile[] = [];
  let remaining = MAX_DECOMPRESSED_CHART_SIZE;
  try {
    for await (const entry of extract) {
      const { header } = entry;
      const name = entryName(header.name, header.type);
      if (name === undefined) {
        entry.resume();
        continue;
      }
      if (header.size !== undefined && header.size > remaining)
        throw new HelmError(
          `decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART_SIZE}`,
        );
      if (header.size !== undefined && header.size > MAX_DECOMPRESSED_FILE_SIZE)
        throw new HelmError(
          `decompressed chart file "${header.name}" is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`,
        );
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const data = Buffer.concat(chunks);
      remaining -= data.length;
      if (remaining <= 0)
        throw new HelmError(
          `decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART_SIZE}`,
        );
      files.push({ name, data: trimBom(data) });
    }
    await piping;
  } catch (error) {
    if (error instanceof HelmError) throw error;
    throw new HelmError(`unable to read chart archive: ${(error as Error).message}`);
  }
  if (files.length === 0) throw new HelmError('no files in chart archive');
  return files;
}

/** The chart-relative name of an entry, undefined for entries Helm skips; throws for unsafe paths. */
function entryName(raw: string, type: string | null | undefined): string | undefined {
  if (type === 'directory' || type === 'pax-header' || type === 'pax-global-header') return undefined;
  const delimiter = raw.includes('\\') ? '\\' : '/';
  const parts = raw.split(delimiter);
  let name = parts.slice(1).join('/');
  if (name.startsWith('/')) throw new HelmError('chart illegally contains absolute paths');
  name = posix.normalize(name).replace(/\/$/, '');
  if (name === '.' || name === '')
    throw new HelmError(`chart illegally contains content outside the base directory: "${raw}"`);
  if (name.startsWith('..')) throw new HelmError('chart illegally references parent directory');
  if (DRIVE_PATH.test(name)) throw new HelmError('chart contains illegally named files');
  if (parts[0] === 'Chart.yaml') throw new HelmError('chart yaml not in base directory');
  return name;
}
