// `helmCharts` (kustomize's HelmChartInflationGenerator), only behind an explicit enableHelm
// option as `kustomize build --enable-helm`, rendered by an injected renderer (`helm template`).
// The engine reads the values files (confined to the build root) and merges valuesInline as
// kustomize does; the renderer turns chart + values into a YAML stream.
import path from 'node:path';
import { KustomizeError } from './errors.js';
import { objectList, type LoadedKustomization } from './kustomization.js';
import { newResource, type Resource } from './resource.js';
import { callHook, originPath, type BuildState } from './state.js';
import { isObject, parseDocuments, parseObjects } from './yaml-io.js';

export interface HelmChartRequest {
  readonly name: string;
  readonly version?: string;
  /** Chart repository URL (`https://…` or `oci://…`); undefined: the chart is local. */
  readonly repo?: string;
  readonly releaseName: string;
  readonly namespace?: string;
  /** Final values: valuesFile, then additionalValuesFiles, then valuesInline per valuesMerge. */
  readonly values: Record<string, unknown>;
  readonly includeCRDs: boolean;
  readonly skipHooks: boolean;
  readonly skipTests: boolean;
  readonly apiVersions: readonly string[];
  readonly kubeVersion?: string;
  readonly nameTemplate?: string;
  /** Absolute chart home (helmGlobals.chartHome, default `charts` beside the kustomization). */
  readonly chartHome: string;
  /** Where a local chart is expected: `<chartHome>/<name>`. */
  readonly chartDir: string;
}

/** Renders one chart (`helm template`) to a YAML stream. */
export type HelmChartRenderer = (request: HelmChartRequest) => string | Promise<string>;

type ValuesMerge = 'override' | 'merge' | 'replace';

/** The resources the kustomization's helmCharts render to, in order. */
export function inflateHelmCharts(state: BuildState, loaded: LoadedKustomization): Resource[] {
  const charts = objectList(loaded, 'helmCharts');
  if (charts.length === 0) return [];
  const file = state.files.relative(loaded.file);
  if (!state.enableHelm) {
    throw new KustomizeError(
      'HELM_DISABLED',
      'trouble configuring builtin HelmChartInflationGenerator: must specify --enable-helm',
      file,
    );
  }
  const renderer = state.helmRenderer;
  if (renderer === undefined) {
    throw new KustomizeError(
      'HELM_DISABLED',
      'helmCharts need a Helm chart renderer; none is configured',
      file,
    );
  }
  const chartHome = chartHomeOf(state, loaded);
  return charts.flatMap((chart) => {
    const request = chartRequest(state, loaded, chart, chartHome);
    const rendered = callHook(state, `helm:${JSON.stringify(request)}`, () => renderer(request));
    if (typeof rendered !== 'string') {
      throw new KustomizeError('HELM_FAILED', `chart '${request.name}' rendered no YAML text`, file);
    }
    const source = `helm chart ${request.name}`;
    const origin = {
      configuredIn: originPath(state, loaded.file),
      configuredBy: { apiVersion: 'builtin', kind: 'HelmChartInflationGenerator' },
    };
    return parseObjects(rendered, source).map((object) => newResource(object, origin));
  });
}

function chartHomeOf(state: BuildState, loaded: LoadedKustomization): string {
  const globals = loaded.kustomization['helmGlobals'];
  const home =
    isObject(globals) && typeof globals['chartHome'] === 'string' ? globals['chartHome'] : 'charts';
  return state.files.resolve(loaded.dir, home);
}

function text(chart: Record<string, unknown>, key: string): string | undefined {
  const value = chart[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function chartRequest(
  state: BuildState,
  loaded: LoadedKustomization,
  chart: Record<string, unknown>,
  chartHome: string,
): HelmChartRequest {
  const file = state.files.relative(loaded.file);
  const name = text(chart, 'name');
  if (name === undefined)
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'a helmCharts entry needs a name', file);
  const optional: Record<string, string> = {};
  for (const key of ['version', 'repo', 'namespace', 'kubeVersion', 'nameTemplate'] as const) {
    const value = text(chart, key);
    if (value !== undefined) optional[key] = value;
  }
  return {
    name,
    ...optional,
    releaseName: text(chart, 'releaseName') ?? 'release-name',
    values: chartValues(state, loaded, chart),
    includeCRDs: chart['includeCRDs'] === true,
    skipHooks: chart['skipHooks'] === true,
    skipTests: chart['skipTests'] === true,
    apiVersions: Array.isArray(chart['apiVersions']) ? chart['apiVersions'].map(String) : [],
    chartHome,
    chartDir: path.join(chartHome, name),
  };
}

function chartValues(
  state: BuildState,
  loaded: LoadedKustomization,
  chart: Record<string, unknown>,
): Record<string, unknown> {
  const files = [
    ...(text(chart, 'valuesFile') === undefined ? [] : [text(chart, 'valuesFile') as string]),
    ...(Array.isArray(chart['additionalValuesFiles']) ? chart['additionalValuesFiles'].map(String) : []),
  ];
  let values: Record<string, unknown> = {};
  for (const entry of files) values = deepMerge(values, readValues(state, loaded, entry));
  const inline = isObject(chart['valuesInline']) ? chart['valuesInline'] : {};
  const merge = valuesMerge(chart['valuesMerge'], state.files.relative(loaded.file));
  if (merge === 'replace') return Object.keys(inline).length > 0 ? inline : values;
  return merge === 'override' ? deepMerge(values, inline) : deepMerge(inline, values);
}

function valuesMerge(value: unknown, file: string): ValuesMerge {
  if (value === undefined || value === null || value === '') return 'override';
  if (value === 'override' || value === 'merge' || value === 'replace') return value;
  throw new KustomizeError(
    'INVALID_KUSTOMIZATION',
    `valuesMerge must be one of override, merge or replace, not '${String(value)}'`,
    file,
  );
}

function readValues(state: BuildState, loaded: LoadedKustomization, entry: string): Record<string, unknown> {
  const target = state.files.resolve(loaded.dir, entry);
  const source = state.files.relative(target);
  const [document] = parseDocuments(state.files.readText(target), source);
  if (document === null || document === undefined) return {};
  if (!isObject(document))
    throw new KustomizeError('INVALID_YAML', 'a values file must be a mapping', source);
  return document;
}

/** Helm's coalescing of values: maps merge recursively, anything else from `over` wins. */
export function deepMerge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}
