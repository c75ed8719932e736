/**
 * Helm's chart loader (pkg/chart/loader): a chart from a directory (honouring .helmignore), a
 * .tgz archive, or an in-memory file list, with subcharts under charts/ as directories or archives.
 */
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { HelmError, wrapError } from './errors.js';
import { HELM_IGNORE, IgnoreRules } from './helmignore.js';
import { MAX_DECOMPRESSED_FILE_SIZE, isGzip, readArchiveFiles, trimBom } from './archive.js';
import { parseMetadata, parseRequirements, validateMetadata } from './metadata.js';
import { parseYamlMap } from './yaml.js';
import type { Chart, ChartFile, ChartMetadata } from './types.js';

/** Loads a chart from a directory or a chart archive file. */
export async function loadChart(path: string): Promise<Chart> {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    throw new HelmError(`path "${path}" not found`);
  }
  if (stats.isDirectory()) return loadDir(path);
  const data = readFileSync(path);
  if (!isGzip(data))
    throw new HelmError(`file '${path}' does not appear to be a gzipped archive; got '${contentType(data)}'`);
  return loadArchive(data);
}

/** A rough http.DetectContentType for the error Helm prints about a non-archive chart file. */
function contentType(data: Uint8Array): string {
  const head = data.subarray(0, 512);
  const binary = head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b));
  return binary ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}

function statFollowing(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new HelmError(
      `stat ${path}: ${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
    );
  }
}

/** A chart from archive bytes. */
export async function loadArchive(data: Uint8Array): Promise<Chart> {
  return loadFiles(await readArchiveFiles(data));
}

/** Reads a chart directory's files as Helm's LoadDir does (lexical walk, .helmignore, limits). */
export function readDirFiles(dir: string): ChartFile[] {
  const top = resolve(dir);
  let rules = new IgnoreRules();
  const ignoreFile = join(top, HELM_IGNORE);
  if (exists(ignoreFile)) rules = IgnoreRules.parse(readFileSync(ignoreFile, 'utf8'));
  rules.addDefaults();
  const files: ChartFile[] = [];
  walk(top, '', rules, files);
  return files;
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function walk(absDir: string, relDir: string, rules: IgnoreRules, out: ChartFile[]): void {
  // Go's filepath.Walk visits entries in lexical (byte) order; statSync follows symlinks as Helm's sympath.Walk does.
  const names = readdirSync(absDir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const abs = join(absDir, name);
    const rel = relDir === '' ? name : `${relDir}/${name}`;
    const stats = statFollowing(abs);
    if (stats.isDirectory()) {
      if (!rules.ignore(rel, true)) walk(abs, rel, rules, out);
      continue;
    }
    if (rules.ignore(rel, false)) continue;
    if (!stats.isFile())
      throw new HelmError(`cannot load irregular file ${abs} as it has file mode type bits set`);
    if (stats.size > MAX_DECOMPRESSED_FILE_SIZE)
      throw new HelmError(
        `chart file "${name}" is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`,
      );
    out.push({ name: rel, data: trimBom(readFileSync(abs)) });
  }
}

/** A chart directory. */
export async function loadDir(dir: string): Promise<Chart> {
  return loadFiles(readDirFiles(dir));
}

const decoder = new TextDecoder();

function text(file: ChartFile): string {
  return decoder.decode(file.data);
}

interface Loading {
  chart: Chart;
  metadata?: ChartMetadata;
  requirements?: ChartFile;
  subcharts: Map<string, ChartFile[]>;
}

/** Helm's LoadFiles: sorts a chart's files into metadata, values, templates, files and subcharts. */
export async function loadFiles(files: readonly ChartFile[]): Promise<Chart> {
  const state: Loading = {
    chart: { metadata: { name: '' }, templates: [], files: [], values: {}, dependencies: [] },
    subcharts: new Map(),
  };
  for (const file of files) classify(state, file);
  if (state.metadata === undefined) throw new HelmError('Chart.yaml file is missing');
  const { chart } = state;
  chart.metadata = state.metadata;
  if (state.requirements !== undefined) {
    const deps = parseRequirements(text(state.requirements));
    if (deps !== undefined) chart.metadata.dependencies = deps;
    if (chart.metadata.apiVersion === 'v1') chart.files.push(state.requirements);
  }
  validateMetadata(chart.metadata);
  // Go ranges over a map here (random order); sorted names keep our output stable.
  for (const name of [...state.subcharts.keys()].sort()) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const sub = await loadSubchart(chart, name, state.subcharts.get(name) as ChartFile[]);
    sub.parent = chart;
    chart.dependencies.push(sub);
  }
  return chart;
}

function loadValues(chart: Chart, file: ChartFile): void {
  try {
    chart.values = parseYamlMap(text(file));
  } catch (error) {
    throw wrapError('cannot load values.yaml', error);
  }
}

/** A file under charts/: part of a subchart, or (a provenance file) a plain chart file. */
function classifySubchartFile(state: Loading, file: ChartFile): void {
  if (posix.extname(file.name) === '.prov') {
    state.chart.files.push(file);
    return;
  }
  const rest = file.name.slice('charts/'.length);
  const sub = rest.split('/')[0] as string;
  const list = state.subcharts.get(sub) ?? [];
  list.push({ name: rest, data: file.data });
  state.subcharts.set(sub, list);
}

function classify(state: Loading, file: ChartFile): void {
  const { chart } = state;
  const name = file.name;
  if (name === 'Chart.yaml') {
    state.metadata = parseMetadata(text(file));
    state.metadata.apiVersion ||= 'v1';
  } else if (name === 'values.yaml') loadValues(chart, file);
  else if (name === 'values.schema.json') chart.schema = file.data;
  else if (name === 'requirements.yaml') state.requirements = file;
  else if (name === 'Chart.lock' || name === 'requirements.lock') {
    // Lock files are not chart files, except a v1 chart's requirements.lock.
    if (name === 'requirements.lock' && (state.metadata?.apiVersion ?? 'v1') === 'v1') chart.files.push(file);
  } else if (name.startsWith('templates/')) chart.templates.push(file);
  else if (name.startsWith('charts/')) classifySubchartFile(state, file);
  else chart.files.push(file);
}

async function loadSubchart(parent: Chart, name: string, files: ChartFile[]): Promise<Chart> {
  try {
    if (posix.extname(name) === '.tgz') {
      const file = files[0] as ChartFile;
      if (file.name !== name)
        throw new HelmError(
          `error unpacking subchart tar in ${parent.metadata.name}: expected ${name}, got ${file.name}`,
        );
      if (!isGzip(file.data)) throw new HelmError('file does not appear to be a gzipped archive');
      return await loadArchive(file.data);
    }
    const inner = files.flatMap((f) => {
      const slash = f.name.indexOf('/');
      return slash < 0 ? [] : [{ name: f.name.slice(slash + 1), data: f.data }];
    });
    return await loadFiles(inner);
  } catch (error) {
    if (error instanceof HelmError && error.message.startsWith('error unpacking subchart tar')) throw error;
    throw wrapError(`error unpacking subchart ${name} in ${parent.metadata.name}`, error);
  }
}
