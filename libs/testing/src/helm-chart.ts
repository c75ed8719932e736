// Helm chart packaging for the test chart repository: a gzip'd ustar archive of `<chart name>/...`,
// as `helm package` produces, written here so tests need no helm binary. Archives are
// reproducible (fixed mtime, sorted entries), so a chart's digest is stable across runs.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse, stringify } from 'yaml';

/** Chart.yaml as parsed; `name` and `version` are required. */
export interface ChartMetadata {
  name: string;
  version: string;
  appVersion?: string;
  [field: string]: unknown;
}

export interface PackedChart {
  metadata: ChartMetadata;
  /** `<name>-<version>.tgz` */
  fileName: string;
  archive: Buffer;
  /** Hex sha256 of the archive, as index.yaml records it. */
  digest: string;
}

export interface TarEntry {
  path: string;
  content: Buffer;
  mode?: number;
  /** Makes the entry a symbolic link to this target (content is ignored). */
  linkTarget?: string;
}

const BLOCK = 512;
/** Entry mtime when none is given: fixed, so archives are reproducible. */
export const CHART_ARCHIVE_MTIME = new Date('2024-01-01T00:00:00Z');

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  header.write(value, offset, length, 'utf8');
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  writeString(header, value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
}

/** Splits a long path into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, if it can. */
function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
    const prefix = path.slice(0, slash);
    const name = path.slice(slash + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name) return { prefix, name };
  }
  return undefined;
}

function tarHeader(entry: {
  name: string;
  prefix: string;
  size: number;
  mode: number;
  mtime: number;
  type: string;
  linkname?: string;
}) {
  const header = Buffer.alloc(BLOCK);
  writeString(header, entry.name, 0, 100);
  if (entry.linkname) writeString(header, entry.linkname, 157, 100);
  writeOctal(header, entry.mode, 100, 8);
  writeOctal(header, 0, 108, 8); // uid
  writeOctal(header, 0, 116, 8); // gid
  writeOctal(header, entry.size, 124, 12);
  writeOctal(header, entry.mtime, 136, 12);
  header.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeString(header, entry.type, 156, 1);
  writeString(header, 'ustar\0', 257, 6);
  writeString(header, '00', 263, 2);
  writeString(header, entry.prefix, 345, 155);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeString(header, checksum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return header;
}

function padToBlock(content: Buffer): Buffer[] {
  const remainder = content.length % BLOCK;
  return remainder === 0 ? [content] : [content, Buffer.alloc(BLOCK - remainder)];
}

/** A PAX record `"<len> path=<value>\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length += 1;
  return `${length}${body}`;
}

/** An uncompressed tar archive of regular files; paths too long for ustar get a PAX header. */
export function tarArchive(entries: TarEntry[], mtime: Date = CHART_ARCHIVE_MTIME): Buffer {
  const seconds = Math.floor(mtime.getTime() / 1000);
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    let split = splitUstarPath(entry.path);
    if (!split) {
      const pax = Buffer.from(paxRecord('path', entry.path));
      const paxName = `PaxHeaders/${entry.path.split('/').pop()?.slice(0, 80) ?? 'entry'}`;
      blocks.push(
        tarHeader({ name: paxName, prefix: '', size: pax.length, mode: 0o644, mtime: seconds, type: 'x' }),
      );
      blocks.push(...padToBlock(pax));
      split = { prefix: '', name: entry.path.slice(0, 100) };
    }
    const mode = entry.mode ?? 0o644;
    if (entry.linkTarget !== undefined) {
      blocks.push(
        tarHeader({ ...split, size: 0, mode, mtime: seconds, type: '2', linkname: entry.linkTarget }),
      );
      continue;
    }
    blocks.push(tarHeader({ ...split, size: entry.content.length, mode, mtime: seconds, type: '0' }));
    blocks.push(...padToBlock(entry.content));
  }
  blocks.push(Buffer.alloc(BLOCK * 2)); // end-of-archive marker
  return Buffer.concat(blocks);
}

async function listFiles(root: string, dir: string = root): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else if (entry.isFile()) files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/** Reads and checks a chart directory's Chart.yaml. */
export async function readChartMetadata(chartDir: string): Promise<ChartMetadata> {
  const parsed: unknown = parse(await readFile(join(chartDir, 'Chart.yaml'), 'utf8'));
  const metadata = parsed as Partial<ChartMetadata> | null;
  if (!metadata || typeof metadata.name !== 'string' || metadata.version === undefined) {
    throw new Error(`${chartDir}/Chart.yaml needs a name and a version`);
  }
  return { ...metadata, name: metadata.name, version: String(metadata.version) };
}

/** Packs a chart directory into `<name>-<version>.tgz` with every file under `<name>/`. */
export async function packChart(chartDir: string, options: { mtime?: Date } = {}): Promise<PackedChart> {
  const metadata = await readChartMetadata(chartDir);
  const entries: TarEntry[] = [];
  for (const file of await listFiles(chartDir)) {
    entries.push({ path: `${metadata.name}/${file}`, content: await readFile(join(chartDir, file)) });
  }
  const archive = gzipSync(tarArchive(entries, options.mtime));
  return {
    metadata,
    fileName: `${metadata.name}-${metadata.version}.tgz`,
    archive,
    digest: createHash('sha256').update(archive).digest('hex'),
  };
}

export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  /** Extra Chart.yaml fields (dependencies, kubeVersion, annotations…). */
  metadata?: Record<string, unknown>;
  /** values.yaml content; `{}` unless given. */
  values?: Record<string, unknown>;
  /** Files relative to the chart dir, e.g. `templates/configmap.yaml`. */
  files?: Record<string, string>;
}

/** Writes a chart directory (`<parentDir>/<name>-<version>`) from a spec; returns its path. */
export async function writeChart(parentDir: string, spec: ChartSpec): Promise<string> {
  const dir = join(parentDir, `${spec.name}-${spec.version}`);
  const chartYaml = {
    apiVersion: 'v2',
    name: spec.name,
    version: spec.version,
    description: spec.description ?? `${spec.name} test chart`,
    type: 'application',
    ...(spec.appVersion === undefined ? {} : { appVersion: spec.appVersion }),
    ...spec.metadata,
  };
  const files: Record<string, string> = {
    'Chart.yaml': stringify(chartYaml),
    'values.yaml': stringify(spec.values ?? {}),
    ...spec.files,
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}
