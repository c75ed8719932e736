// HelmChart (spec source.md §5): from a default HelmRepository (index lookup by SemVer range,
// download, digest check), from an OCI HelmRepository, or packaged from a GitRepository/Bucket
// artifact (chart directory or .tgz, dependencies resolved, values files merged).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { unpackTarball } from '@flotilla/artifacts';
import { isNotFound, type ReconcilerDefinition, type ReconcileScope } from '@flotilla/runtime';
import { describeError, failure, SourceReasons } from '../conditions.js';
import {
  credentialsFailure,
  failingAs,
  markOutdated,
  markStored,
  sourceReconciler,
  storeArtifact,
} from '../common-steps.js';
import { SOURCE_RESOURCES, timeoutSignal, type SourceObject, type SourceStatus } from '../source-object.js';
import type { Artifact } from '../storage.js';
import { withTempDir } from '../temp-dir.js';
import { buildDependencies } from './chart-deps.js';
import {
  ChartBuildError,
  mergeValuesFiles,
  packageStagedChart,
  readChartYaml,
  securePath,
  setChartVersion,
  stageChart,
  writeValues,
} from './chart-dir.js';
import { downloadChart, loadStoredIndex } from './chart-repository.js';
import { chartArtifactVersion } from './chart-version.js';
import { repositoryAccess, type HelmRepositoryObject, type HelmServices } from './helm-repository.js';
import { pullOciChart } from './oci-chart.js';
import { ChartNotFoundError, selectChartVersion } from './repository-index.js';

export interface HelmChartSpec {
  chart: string;
  version?: string;
  sourceRef: { apiVersion?: string; kind: string; name: string };
  reconcileStrategy?: 'ChartVersion' | 'Revision';
  valuesFiles?: string[];
  ignoreMissingValuesFiles?: boolean;
  verify?: { provider?: string };
}

export type HelmChartObject = SourceObject<HelmChartSpec>;
type Scope = ReconcileScope<HelmChartObject>;

/** A built chart ready to store. */
export interface BuiltChart {
  name: string;
  version: string;
  archive: Buffer | Readable;
  packaged: boolean;
  valuesFiles: string[];
  sourceRevision?: string;
}

function successText(chart: Pick<BuiltChart, 'name' | 'version' | 'packaged'>): {
  reason: string;
  message: string;
} {
  return chart.packaged
    ? {
        reason: SourceReasons.ChartPackageSucceeded,
        message: `packaged '${chart.name}' chart with version '${chart.version}'`,
      }
    : {
        reason: SourceReasons.ChartPullSucceeded,
        message: `pulled '${chart.name}' chart with version '${chart.version}'`,
      };
}

async function readSource(scope: Scope): Promise<SourceObject> {
  const { kind, name } = scope.object.spec.sourceRef;
  const resource = SOURCE_RESOURCES[kind as 'HelmRepository' | 'GitRepository' | 'Bucket'] as
    (typeof SOURCE_RESOURCES)[keyof typeof SOURCE_RESOURCES] | undefined;
  if (!resource || !['HelmRepository', 'GitRepository', 'Bucket'].includes(kind))
    throw failure(scope, 'FetchFailed', 'UnsupportedSourceKind', `unsupported source kind '${kind}'`, {
      stall: true,
    });
  try {
    return await scope.kube.get<SourceObject>(resource, scope.object.metadata?.namespace, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw failure(
      scope,
      'FetchFailed',
      SourceReasons.SourceUnavailable,
      `failed to get source: ${kind.toLowerCase()}s "${name}" not found`,
      { wait: true },
    );
  }
}

function sourceArtifact(scope: Scope, source: SourceObject): Artifact {
  const artifact = (source.status as SourceStatus | undefined)?.artifact;
  if (!artifact) {
    const { kind, name } = scope.object.spec.sourceRef;
    throw failure(
      scope,
      'FetchFailed',
      SourceReasons.NoSourceArtifact,
      `no artifact available for ${kind} source '${name}'`,
      { wait: true },
    );
  }
  return artifact;
}

/** The current artifact still stands for this spec and version: nothing to rebuild. */
function upToDate(scope: Scope, version: string): boolean {
  const current = scope.status.artifact as Artifact | undefined;
  return (
    current?.revision === version &&
    scope.status.observedChartName === scope.object.spec.chart &&
    scope.status.observedGeneration === scope.generation
  );
}

async function unpackChartArchive(archive: Buffer, dir: string): Promise<string> {
  await unpackTarball(Readable.from([archive]), dir, { maxBytes: 100 * 1024 * 1024 });
  const top = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (top.length !== 1 || !top[0])
    throw new ChartBuildError('pull', 'chart archive must contain exactly one top-level directory');
  return join(dir, top[0].name);
}

async function finishFromArchive(
  scope: Scope,
  archive: Buffer,
  options: { packagedIfValues: boolean },
): Promise<BuiltChart> {
  const spec = scope.object.spec;
  return withTempDir('chart', async (dir) => {
    let chartDir: string;
    try {
      chartDir = await unpackChartArchive(archive, join(dir, 'unpacked'));
    } catch (error) {
      throw error instanceof ChartBuildError
        ? error
        : new ChartBuildError('pull', `failed to load chart: ${describeError(error)}`, { cause: error });
    }
    const chart = await readChartYaml(chartDir);
    const valuesFiles = spec.valuesFiles ?? [];
    if (valuesFiles.length === 0)
      return { name: chart.name, version: chart.version, archive, packaged: false, valuesFiles: [] };
    const merged = await mergeValuesFiles(chartDir, valuesFiles, spec.ignoreMissingValuesFiles === true);
    const version = chartArtifactVersion(chart.version, { generation: scope.generation });
    const staged = await stageChart(chartDir, join(dir, 'staging'), chart.name);
    await writeValues(staged, merged.values);
    await setChartVersion(staged, version);
    const packed = await collect(await packageStagedChart(join(dir, 'staging'), chart.name));
    return {
      name: chart.name,
      version,
      archive: packed,
      packaged: options.packagedIfValues,
      valuesFiles: merged.used,
    };
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function buildFromIndex(
  scope: Scope,
  services: HelmServices,
  repo: HelmRepositoryObject,
): Promise<BuiltChart | 'up-to-date'> {
  const spec = scope.object.spec;
  const artifact = sourceArtifact(scope, repo);
  const index = await failingAs(
    scope,
    {
      type: 'StorageOperationFailed',
      reason: 'StorageOperationFailed',
      message: 'failed to load repository index',
    },
    () => loadStoredIndex(services.storage, services.indexCache, artifact),
  );
  let entry;
  try {
    entry = selectChartVersion(index, spec.chart, spec.version ?? '*');
  } catch (error) {
    if (error instanceof ChartNotFoundError)
      throw failure(
        scope,
        'FetchFailed',
        SourceReasons.InvalidChartReference,
        `invalid chart reference: ${error.message}`,
        { stall: true },
      );
    throw error;
  }
  scope.status.observedSourceArtifactRevision = artifact.revision;
  const hasValues = (spec.valuesFiles ?? []).length > 0;
  const version = hasValues
    ? chartArtifactVersion(entry.version, { generation: scope.generation })
    : entry.version;
  if (upToDate(scope, version)) return 'up-to-date';
  const access = await failingAs(scope, credentialsFailure('failed to get credentials'), () =>
    repositoryAccess(scope, repo),
  );
  const archive = await downloadChart(entry, {
    repoUrl: repo.spec.url,
    access,
    passCredentials: repo.spec.passCredentials === true,
    maxBytes: services.config.helmChartMaxSize,
    signal: timeoutSignal(repo, scope.signal),
  });
  return finishFromArchive(scope, archive, { packagedIfValues: true });
}

async function buildFromOci(
  scope: Scope,
  services: HelmServices,
  repo: HelmRepositoryObject,
): Promise<BuiltChart | 'up-to-date'> {
  const pulled = await pullOciChart(scope, repo, services.config.helmChartMaxSize);
  scope.status.observedSourceArtifactRevision = pulled.revision;
  const built = await finishFromArchive(scope, pulled.archive, { packagedIfValues: true });
  if (upToDate(scope, built.version)) return 'up-to-date';
  return built;
}

async function locateChart(root: string, chartPath: string): Promise<{ dir?: string; archive?: Buffer }> {
  const path = securePath(root, chartPath);
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new ChartBuildError(
      'package',
      `failed to load chart: path '${chartPath}' not found in the source artifact`,
    );
  if (info.isDirectory()) return { dir: path };
  return { archive: await readFile(path) };
}

async function buildFromArtifact(
  scope: Scope,
  services: HelmServices,
  source: SourceObject,
): Promise<BuiltChart | 'up-to-date'> {
  const spec = scope.object.spec;
  const artifact = sourceArtifact(scope, source);
  scope.status.observedSourceArtifactRevision = artifact.revision;
  return withTempDir('chart-source', async (dir) => {
    const root = join(dir, 'source');
    try {
      await unpackTarball(await services.storage.open(artifact), root);
    } catch (error) {
      throw failure(
        scope,
        'StorageOperationFailed',
        'StorageOperationFailed',
        `failed to copy source artifact to local path: ${describeError(error)}`,
        { cause: error },
      );
    }
    const located = await locateChart(root, spec.chart);
    const revisionStrategy = spec.reconcileStrategy === 'Revision';
    if (located.archive) {
      const built = await finishFromArchive(scope, located.archive, { packagedIfValues: true });
      return revisionStrategy
        ? await rebuildWithVersion(scope, built, artifact.revision)
        : { ...built, packaged: true };
    }
    const chartDir = located.dir as string;
    const chart = await readChartYaml(chartDir);
    const valuesFiles = spec.valuesFiles ?? [];
    const version = chartArtifactVersion(chart.version, {
      sourceRevision: revisionStrategy ? artifact.revision : undefined,
      generation: valuesFiles.length > 0 ? scope.generation : undefined,
    });
    if (upToDate(scope, version)) return 'up-to-date';
    const staged = await stageChart(chartDir, join(dir, 'staging'), chart.name);
    await buildDependencies(
      chart,
      staged,
      { origin: chartDir, sourceRoot: root },
      {
        kube: scope.kube,
        storage: services.storage,
        cache: services.indexCache,
        namespace: scope.object.metadata?.namespace ?? '',
        maxIndexBytes: services.config.helmIndexMaxSize,
        maxChartBytes: services.config.helmChartMaxSize,
        signal: scope.signal,
      },
    );
    let used: string[] = [];
    if (valuesFiles.length > 0) {
      const merged = await mergeValuesFiles(root, valuesFiles, spec.ignoreMissingValuesFiles === true);
      await writeValues(staged, merged.values);
      used = merged.used;
    }
    if (version !== chart.version) await setChartVersion(staged, version);
    const archive = await collect(await packageStagedChart(join(dir, 'staging'), chart.name));
    return {
      name: chart.name,
      version,
      archive,
      packaged: true,
      valuesFiles: used,
      sourceRevision: artifact.revision,
    };
  });
}

/** A packaged .tgz from a Git/Bucket source under reconcileStrategy Revision: re-version it. */
async function rebuildWithVersion(
  scope: Scope,
  built: BuiltChart,
  sourceRevision: string,
): Promise<BuiltChart> {
  const hasValues = built.valuesFiles.length > 0 || (scope.object.spec.valuesFiles ?? []).length > 0;
  const base = built.version.split('+')[0] ?? built.version;
  const version = chartArtifactVersion(base, {
    sourceRevision,
    generation: hasValues ? scope.generation : undefined,
  });
  return withTempDir('chart-revision', async (dir) => {
    const chartDir = await unpackChartArchive(built.archive as Buffer, join(dir, 'unpacked'));
    const staged = await stageChart(chartDir, join(dir, 'staging'), built.name);
    await setChartVersion(staged, version);
    const archive = await collect(await packageStagedChart(join(dir, 'staging'), built.name));
    return { ...built, version, archive, packaged: true, sourceRevision };
  });
}

function buildFailure(scope: Scope, error: unknown): Error {
  if (!(error instanceof ChartBuildError)) return error as Error;
  switch (error.kind) {
    case 'pull':
      return failure(scope, 'FetchFailed', SourceReasons.ChartPullFailed, error.message, { cause: error });
    case 'reference':
      return failure(scope, 'FetchFailed', SourceReasons.InvalidChartReference, error.message, {
        stall: true,
        cause: error,
      });
    case 'path':
      return failure(scope, 'BuildFailed', SourceReasons.InvalidPath, error.message, { cause: error });
    case 'package':
      return failure(scope, 'BuildFailed', SourceReasons.ChartPackageFailed, error.message, { cause: error });
  }
}

async function build(
  scope: Scope,
  services: HelmServices,
  source: SourceObject,
): Promise<BuiltChart | 'up-to-date'> {
  try {
    if (scope.object.spec.sourceRef.kind !== 'HelmRepository')
      return await buildFromArtifact(scope, services, source);
    const repo = source as HelmRepositoryObject;
    if (repo.spec.type === 'oci') return await buildFromOci(scope, services, repo);
    return await buildFromIndex(scope, services, repo);
  } catch (error) {
    throw buildFailure(scope, error);
  }
}

async function reconcileChart(scope: Scope, services: HelmServices): Promise<void> {
  const source = await readSource(scope);
  const built = await build(scope, services, source);
  const spec = scope.object.spec;
  if (built === 'up-to-date') {
    const current = scope.status.artifact as Artifact;
    const packaged = spec.sourceRef.kind !== 'HelmRepository' || (spec.valuesFiles ?? []).length > 0;
    // The stored file is `<chart name>-<version>.tgz`.
    const file = current.path.slice(current.path.lastIndexOf('/') + 1);
    const name = file.slice(0, file.length - `-${current.revision}.tgz`.length);
    const text = successText({ name, version: current.revision, packaged });
    markStored(scope, current.revision, text.message, text.reason);
    return;
  }
  await markOutdated(
    scope,
    built.version,
    SourceReasons.NewChart,
    `pulled '${built.name}' chart with version '${built.version}'`,
  );
  const text = successText(built);
  await storeArtifact(scope, services, {
    kind: 'HelmChart',
    file: `${built.name}-${built.version}.tgz`,
    body: built.archive instanceof Readable ? built.archive : new Uint8Array(built.archive),
    revision: built.version,
    eventMessage: text.message,
    readyMessage: text.message,
    readyReason: text.reason,
  });
  scope.status.observedChartName = spec.chart;
  if (built.valuesFiles.length > 0) scope.status.observedValuesFiles = built.valuesFiles;
  else delete scope.status.observedValuesFiles;
}

export function helmChartReconciler(services: HelmServices): ReconcilerDefinition<HelmChartObject> {
  return sourceReconciler('HelmChart', services, {
    name: 'reconcile chart',
    run: (scope) => reconcileChart(scope, services),
  });
}
