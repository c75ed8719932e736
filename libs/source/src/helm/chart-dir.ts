// Chart directories on disk: Chart.yaml metadata, the values-file merge that replaces
// values.yaml (spec source.md §5), version rewrites, and packaging as `<name>-<version>.tgz` with
// every file under `<name>/` (.helmignore honoured), as `helm package` lays it out.
import { cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { packDirectory } from '@flotilla/artifacts';
import ignore from 'ignore';
import { parse, stringify } from 'yaml';
import { readPatterns } from '../ignore-rules.js';

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  alias?: string;
  condition?: string;
}

export interface ChartYaml {
  apiVersion?: string;
  name: string;
  version: string;
  dependencies?: ChartDependency[];
  [field: string]: unknown;
}

export class ChartBuildError extends Error {
  constructor(
    /** Flux's build error kind: pull (FetchFailed) or package (BuildFailed). */
    readonly kind: 'pull' | 'package' | 'reference' | 'path',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ChartBuildError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads `<dir>/Chart.yaml` (and a v1 chart's requirements.yaml dependencies). */
export async function readChartYaml(dir: string): Promise<ChartYaml> {
  let parsed: unknown;
  try {
    parsed = parse(await readFile(join(dir, 'Chart.yaml'), 'utf8'));
  } catch (error) {
    throw new ChartBuildError(
      'package',
      `unable to load chart metadata from '${dir}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (
    !isRecord(parsed) ||
    typeof parsed.name !== 'string' ||
    parsed.name === '' ||
    parsed.version === undefined
  )
    throw new ChartBuildError('package', 'validation: chart.metadata.name and version are required');
  const chart: ChartYaml = { ...parsed, name: parsed.name, version: String(parsed.version) };
  if (chart.apiVersion !== 'v2' && chart.dependencies === undefined) {
    try {
      const requirements: unknown = parse(await readFile(join(dir, 'requirements.yaml'), 'utf8'));
      if (isRecord(requirements) && Array.isArray(requirements.dependencies))
        chart.dependencies = requirements.dependencies as ChartDependency[];
    } catch {
      // no requirements.yaml: no dependencies
    }
  }
  return chart;
}

/** Returns the absolute `target` if it lies within `root`, else throws. */
export function assertWithin(root: string, target: string): string {
  const base = resolve(root);
  const absolute = resolve(target);
  if (absolute !== base && !absolute.startsWith(`${base}${sep}`))
    throw new ChartBuildError('path', `path '${relative(base, absolute)}' is outside of the source root`);
  return absolute;
}

/** Resolves `path` (relative, a leading '/' or './' ignored) under `root`, refusing anything that leaves it. */
export function securePath(root: string, path: string): string {
  return assertWithin(root, resolve(root, path.replace(/^(\.?\/)+/, '')));
}

/** Helm's values merge: maps merge recursively, anything else is replaced by the later value. */
export function mergeValues(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    result[key] = isRecord(existing) && isRecord(value) ? mergeValues(existing, value) : value;
  }
  return result;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Merges `files` (relative to `root`) in order; returns the merged values and the files used.
 * Missing files fail unless `ignoreMissing`.
 */
export async function mergeValuesFiles(
  root: string,
  files: readonly string[],
  ignoreMissing: boolean,
): Promise<{ values: Record<string, unknown>; used: string[] }> {
  let values: Record<string, unknown> = {};
  const used: string[] = [];
  for (const file of files) {
    const path = securePath(root, file);
    if (!(await exists(path))) {
      if (ignoreMissing) continue;
      throw new ChartBuildError(
        'package',
        `values files merge error: no values file found at path '${file}'`,
      );
    }
    let parsed: unknown;
    try {
      parsed = parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ChartBuildError(
        'package',
        `values files merge error: failed to parse values file '${file}': ${(error as Error).message}`,
      );
    }
    if (parsed !== null && parsed !== undefined && !isRecord(parsed))
      throw new ChartBuildError('package', `values files merge error: '${file}' is not a map`);
    values = mergeValues(values, (parsed ?? {}) as Record<string, unknown>);
    used.push(file);
  }
  return { values, used };
}

export async function writeValues(chartDir: string, values: Record<string, unknown>): Promise<void> {
  await writeFile(join(chartDir, 'values.yaml'), stringify(values));
}

export async function setChartVersion(chartDir: string, version: string): Promise<void> {
  const path = join(chartDir, 'Chart.yaml');
  const parsed = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  parsed.version = version;
  await writeFile(path, stringify(parsed));
}

/** Copies a chart directory to `<stagingRoot>/<name>` (symlinks are not followed). */
export async function stageChart(chartDir: string, stagingRoot: string, name: string): Promise<string> {
  const target = join(stagingRoot, name);
  await mkdir(stagingRoot, { recursive: true });
  await cp(chartDir, target, { recursive: true, verbatimSymlinks: true });
  return target;
}

/** Packs `<stagingRoot>/<name>` as a chart archive, leaving out what `.helmignore` names. */
export async function packageStagedChart(stagingRoot: string, name: string): Promise<Readable> {
  const chartDir = join(stagingRoot, name);
  let patterns: string[] = [];
  try {
    patterns = readPatterns(await readFile(join(chartDir, '.helmignore'), 'utf8'));
  } catch {
    // no .helmignore
  }
  const matcher = ignore({ allowRelativePaths: true }).add(patterns);
  return packDirectory(stagingRoot, {
    filter: (path, entry) => {
      if (path === name) return true;
      if (!path.startsWith(`${name}/`)) return false;
      const inner = relative(name, path).split(sep).join('/');
      return !matcher.ignores(entry.type === 'directory' ? `${inner}/` : inner);
    },
  });
}
