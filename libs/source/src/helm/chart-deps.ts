// Dependencies of a chart built from a Git/Bucket source (spec source.md §5): those not already
// vendored under charts/ are resolved — `file://` paths within the source root are packaged,
// http(s) repositories are read through a HelmRepository with a matching URL (its credentials),
// else anonymously — and written to charts/<name>-<version>.tgz.
import { readdir, writeFile, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';
import type { KubeClient } from '@flotilla/runtime';
import type { SourceStorage } from '../storage.js';
import { withTempDir } from '../temp-dir.js';
import {
  ChartBuildError,
  packageStagedChart,
  readChartYaml,
  assertWithin,
  stageChart,
  type ChartDependency,
  type ChartYaml,
} from './chart-dir.js';
import { dependencyRepository, downloadChart } from './chart-repository.js';
import { pullOciDependency } from './oci-chart.js';
import type { IndexCache } from './index-cache.js';
import { selectChartVersion, toSemverRange } from './repository-index.js';

export interface DependencyContext {
  kube: KubeClient;
  storage: SourceStorage;
  cache: IndexCache;
  namespace: string;
  maxIndexBytes: number;
  maxChartBytes: number;
  signal: AbortSignal;
}

async function vendoredNames(chartDir: string): Promise<Set<string>> {
  const names = new Set<string>();
  let entries;
  try {
    entries = await readdir(join(chartDir, 'charts'), { withFileTypes: true });
  } catch {
    return names;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      try {
        names.add((await readChartYaml(join(chartDir, 'charts', entry.name))).name);
      } catch {
        // not a chart
      }
    } else if (entry.name.endsWith('.tgz')) {
      names.add(entry.name.replace(/-v?[0-9][^-]*(-[^.]+)?\.tgz$/, '').replace(/\.tgz$/, ''));
    }
  }
  return names;
}

function satisfies(version: string, constraint: string | undefined): boolean {
  if (!constraint || constraint.trim() === '' || constraint === '*') return true;
  const parsed = semver.parse(version, { loose: true });
  if (!parsed) return false;
  try {
    return new semver.Range(toSemverRange(constraint), { loose: true }).test(parsed);
  } catch {
    return version === constraint;
  }
}

async function addLocal(
  dep: ChartDependency,
  chartDir: string,
  origin: string,
  sourceRoot: string,
): Promise<void> {
  const path = assertWithin(sourceRoot, resolve(origin, dep.repository?.slice('file://'.length) ?? ''));
  let local: ChartYaml;
  try {
    local = await readChartYaml(path);
  } catch (error) {
    throw new ChartBuildError(
      'package',
      `failed to build dependencies: can't load local dependency '${dep.name}': ${(error as Error).message}`,
    );
  }
  if (!satisfies(local.version, dep.version))
    throw new ChartBuildError(
      'package',
      `failed to build dependencies: can't get a valid version for dependency '${dep.name}': '${local.version}' does not satisfy '${dep.version}'`,
    );
  await withTempDir('chart-dep', async (staging) => {
    await stageChart(path, staging, local.name);
    const archive = await packageStagedChart(staging, local.name);
    const chunks: Buffer[] = [];
    for await (const chunk of archive) chunks.push(chunk as Buffer);
    await writeDependency(chartDir, local.name, local.version, Buffer.concat(chunks));
  });
}

async function writeDependency(
  chartDir: string,
  name: string,
  version: string,
  archive: Buffer,
): Promise<void> {
  await mkdir(join(chartDir, 'charts'), { recursive: true });
  await writeFile(join(chartDir, 'charts', `${name}-${version}.tgz`), archive);
}

/** Fetches a remote dependency (a failure names it and its repository) into `charts/`. */
async function vendorRemote(
  dep: ChartDependency,
  chartDir: string,
  fetch: (url: string) => Promise<{ version: string; archive: Buffer }>,
): Promise<void> {
  const url = dep.repository ?? '';
  let fetched;
  try {
    fetched = await fetch(url);
  } catch (error) {
    throw new ChartBuildError(
      'package',
      `failed to build dependencies: dependency '${dep.name}' from '${url}': ${(error as Error).message}`,
      { cause: error },
    );
  }
  await writeDependency(chartDir, dep.name, fetched.version, fetched.archive);
}

async function addRemote(dep: ChartDependency, chartDir: string, context: DependencyContext): Promise<void> {
  await vendorRemote(dep, chartDir, async (url) => {
    const repo = await dependencyRepository(
      { ...context, maxIndexBytes: context.maxIndexBytes },
      context.namespace,
      url,
    );
    const entry = selectChartVersion(repo.index, dep.name, dep.version ?? '*');
    const archive = await downloadChart(entry, {
      repoUrl: url,
      access: repo.access,
      passCredentials: repo.passCredentials,
      maxBytes: context.maxChartBytes,
      signal: context.signal,
    });
    return { version: entry.version, archive };
  });
}

async function addOci(dep: ChartDependency, chartDir: string, context: DependencyContext): Promise<void> {
  await vendorRemote(dep, chartDir, (url) => pullOciDependency(context, url, dep.name, dep.version ?? '*'));
}

/**
 * Resolves every missing dependency of the chart staged at `chartDir` (copied from `origin`, which
 * `file://` paths are relative to); returns how many were added.
 */
export async function buildDependencies(
  chart: ChartYaml,
  chartDir: string,
  paths: { origin: string; sourceRoot: string },
  context: DependencyContext,
): Promise<number> {
  const vendored = await vendoredNames(chartDir);
  let added = 0;
  for (const dep of chart.dependencies ?? []) {
    if (vendored.has(dep.name)) continue;
    const repository = dep.repository ?? '';
    if (repository === '') continue;
    if (repository.startsWith('file://')) await addLocal(dep, chartDir, paths.origin, paths.sourceRoot);
    else if (/^https?:\/\//.test(repository)) await addRemote(dep, chartDir, context);
    else if (repository.startsWith('oci://')) await addOci(dep, chartDir, context);
    else
      throw new ChartBuildError(
        'package',
        `failed to build dependencies: dependency '${dep.name}' has an unsupported repository '${repository}'`,
      );
    added += 1;
  }
  return added;
}
