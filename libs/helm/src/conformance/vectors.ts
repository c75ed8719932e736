/**
 * Runners for the Sprig and Helm vectors of the conformance corpus format
 * (../shared/conformance/helm/README.md): each returns what our engine actually did, and a judge
 * compares that with the vector's expectation. Shared by the vitest conformance suites and
 * `flotilla conformance helm`.
 */
import {
  judgeError,
  judgeTemplateVector,
  runTemplateVector,
  type FuncMap,
  type GoMap,
  type GoValue,
  type TemplateVector,
  type VectorResult,
} from '@flotilla/gotemplate';
import { HelmError } from '../chart/errors.js';
import { IgnoreRules, HELM_IGNORE } from '../chart/helmignore.js';
import { loadFiles } from '../chart/loader.js';
import type { Chart, ChartFile, ChartMetadata } from '../chart/types.js';
import { renderChart, renderTemplates, type Renderable } from '../engine/engine.js';
import { helmFunctions } from '../funcs/index.js';
import { coalesceValues } from '../values/coalesce.js';
import { chartMetadataValue } from '../values/render-values.js';
import { templateChart, type TemplateOptions } from '../action/template.js';

/** A Sprig vector, or a helm-engine `funcs` vector: a template run with Helm's function map. */
export type FuncsVector = TemplateVector & { functions?: string[]; level?: string };

/** Runs a Sprig / Helm-function vector with Helm's function map, as Helm's tests do (template "test"). */
export function runFuncsVector(v: FuncsVector): VectorResult {
  // Built once: the map is only read (each template set copies what it uses).
  funcs ??= helmFunctions();
  return runTemplateVector(v, { funcs, defaultName: 'test' });
}

let funcs: FuncMap | undefined;

export function judgeFuncsVector(v: FuncsVector, r: VectorResult): string | null {
  return judgeTemplateVector(v, r);
}

/** An inline chart of a helm-engine `engine` vector. */
export interface InlineChart {
  metadata?: Partial<ChartMetadata>;
  templates?: Record<string, string>;
  files?: Record<string, string>;
  values?: GoMap;
  dependencies?: InlineChart[];
  renderables?: Record<string, { tpl: string; vals: GoMap }>;
}

export interface EngineVector {
  id: string;
  level: 'engine';
  chart: InlineChart;
  renderValues?: GoMap;
  userValues?: GoMap;
  engineOptions?: { strict?: boolean; lintMode?: boolean };
  expected?: Record<string, string>;
  error?: boolean;
  errorMessage?: string;
  errorContains?: string;
  errorSuffix?: string;
}

const encoder = new TextEncoder();

function fileList(entries: Record<string, string> | undefined): ChartFile[] {
  return Object.entries(entries ?? {}).map(([name, text]) => ({ name, data: encoder.encode(text) }));
}

/** The chart model of an inline chart (no loader rules apply: it is already a chart). */
export function inlineChart(spec: InlineChart, parent?: Chart): Chart {
  const metadata: ChartMetadata = { apiVersion: 'v2', name: '', ...spec.metadata } as ChartMetadata;
  const chart: Chart = {
    metadata,
    templates: fileList(spec.templates),
    files: fileList(spec.files),
    values: spec.values ?? {},
    dependencies: [],
  };
  if (parent !== undefined) chart.parent = parent;
  chart.dependencies = (spec.dependencies ?? []).map((d) => inlineChart(d, chart));
  return chart;
}

/** Output of an engine vector: template path → rendered text, or the error. */
export interface EngineResult {
  output?: Record<string, string>;
  error?: string;
}

export function runEngineVector(v: EngineVector): EngineResult {
  const options = { strict: v.engineOptions?.strict === true, lintMode: v.engineOptions?.lintMode === true };
  try {
    if (v.chart.renderables !== undefined) {
      const tpls = new Map<string, Renderable>();
      for (const [name, r] of Object.entries(v.chart.renderables))
        tpls.set(name, { tpl: r.tpl, vals: r.vals, basePath: '' });
      return { output: renderTemplates(tpls, options) };
    }
    const chart = inlineChart(v.chart);
    const renderValues: GoMap = { ...(v.renderValues ?? {}) };
    renderValues['Chart'] = chartMetadataValue(chart.metadata);
    if (v.userValues !== undefined) renderValues['Values'] = coalesceValues(chart, v.userValues);
    return { output: renderChart(chart, renderValues, options) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export function judgeEngineVector(v: EngineVector, r: EngineResult): string | null {
  if (r.error !== undefined) return judgeError(v, r.error);
  if (v.error) return `expected an error, got ${JSON.stringify(r.output)}`;
  for (const [path, want] of Object.entries(v.expected ?? {})) {
    const got = r.output?.[path];
    if (got !== want) return `${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
  }
  return null;
}

/** `helm template` flags as the corpus writes them (cli vectors and chart cases). */
export interface Invocation {
  releaseName?: string | null;
  namespace?: string | null;
  valuesFiles?: string[];
  set?: string[];
  setString?: string[];
  setFile?: string[];
  kubeVersion?: string | null;
  apiVersions?: string[];
  includeCRDs?: boolean;
  skipCRDs?: boolean;
  noHooks?: boolean;
  skipTests?: boolean;
  showOnly?: string[];
  outputDir?: boolean;
  nameTemplate?: string | null;
}

/** TemplateOptions of an invocation; file paths are resolved by `readFile`. */
export function invocationOptions(inv: Invocation, readFile: (path: string) => Uint8Array): TemplateOptions {
  const options: TemplateOptions = {
    namespace: inv.namespace ?? 'default',
    valueFiles: inv.valuesFiles ?? [],
    set: inv.set ?? [],
    setString: inv.setString ?? [],
    setFile: inv.setFile ?? [],
    apiVersions: inv.apiVersions ?? [],
    includeCrds: inv.includeCRDs === true,
    skipCrds: inv.skipCRDs === true,
    noHooks: inv.noHooks === true,
    skipTests: inv.skipTests === true,
    showOnly: inv.showOnly ?? [],
    readFile,
  };
  if (inv.releaseName !== null && inv.releaseName !== undefined) options.releaseName = inv.releaseName;
  if (inv.nameTemplate !== null && inv.nameTemplate !== undefined) options.nameTemplate = inv.nameTemplate;
  if (inv.kubeVersion !== null && inv.kubeVersion !== undefined) options.kubeVersion = inv.kubeVersion;
  return options;
}

export interface CliChart {
  files?: Record<string, string>;
  binaryFilesBase64?: Record<string, string>;
}

export interface CliVector {
  id: string;
  level: 'cli';
  chartRef: string;
  invocation: Invocation;
  expected?: string;
  error?: boolean;
  errorOutput?: string;
}

/** Segment-wise path order: the order a directory walk visits files. */
function walkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** A chart directory given as a file listing, read as LoadDir reads a directory (.helmignore applies). */
export function listingFiles(listing: Map<string, Uint8Array>): ChartFile[] {
  const ignoreFile = listing.get(HELM_IGNORE);
  const rules = ignoreFile ? IgnoreRules.parse(new TextDecoder().decode(ignoreFile)) : new IgnoreRules();
  rules.addDefaults();
  const files: ChartFile[] = [];
  for (const name of [...listing.keys()].sort(walkOrder)) {
    const parts = name.split('/');
    const dirIgnored = parts.slice(0, -1).some((_, i) => rules.ignore(parts.slice(0, i + 1).join('/'), true));
    if (dirIgnored || rules.ignore(name, false)) continue;
    files.push({ name, data: listing.get(name) as Uint8Array });
  }
  return files;
}

function cliListing(chart: CliChart): Map<string, Uint8Array> {
  const listing = new Map<string, Uint8Array>();
  for (const [name, text] of Object.entries(chart.files ?? {})) listing.set(name, encoder.encode(text));
  for (const [name, b64] of Object.entries(chart.binaryFilesBase64 ?? {}))
    listing.set(name, Buffer.from(b64, 'base64'));
  return listing;
}

/** Result of a cli vector: stdout, or the message Helm prints after `Error: `. */
export interface CliResult {
  output?: string;
  error?: string;
}

export async function runCliVector(v: CliVector, charts: Record<string, CliChart>): Promise<CliResult> {
  try {
    const spec = charts[v.chartRef];
    if (spec === undefined) throw new HelmError(`chart ${v.chartRef} is not in the corpus`);
    const listing = cliListing(spec);
    const chart = await loadFiles(listingFiles(listing));
    const readFile = (path: string): Uint8Array => {
      const data = listing.get(path.replace(/^\.\//, ''));
      if (data === undefined) throw new HelmError(`open ${path}: no such file or directory`);
      return data;
    };
    return { output: templateChart(chart, invocationOptions(v.invocation, readFile)).stdout };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export function judgeCliVector(v: CliVector, r: CliResult): string | null {
  if (r.error !== undefined) {
    if (!v.error) return `unexpected error: ${r.error}`;
    const want = v.errorOutput?.replace(/^Error: /, '').replace(/\n$/, '');
    return want === undefined || want === r.error ? null : `error: ${r.error}`;
  }
  if (v.error) return `expected an error, got output`;
  return r.output === v.expected ? null : 'output differs';
}

export type { GoValue };
