/**
 * Helm's rendering engine (pkg/engine): every template of a chart and its subcharts parsed into one
 * template set in Helm's order, then executed with its chart's scoped values; include, tpl,
 * required and fail bound to the set; Helm's error message formats.
 */
import {
  ExecError,
  FuncError,
  Template,
  TemplateError,
  sprintf,
  type ExecLimits,
  type FuncMap,
  type GoMap,
  type GoValue,
} from '@flotilla/gotemplate';
import type { Chart } from '../chart/types.js';
import { helmFunctions, type LookupFn } from '../funcs/index.js';
import { def } from '../sprig/convert.js';
import { chartMetadataValue } from '../values/render-values.js';
import { chartFiles } from './files.js';
import { parseInto } from './parse-cache.js';

/** Helm's include nesting limit per template name (recursionMaxNums). */
export const RECURSION_MAX = 1000;

export interface RenderOptions {
  /** missingkey=error instead of zero. */
  strict?: boolean;
  /** `required` and `fail` log nothing and return "" instead of aborting. */
  lintMode?: boolean;
  /** Kubernetes-backed lookup (ignored in lint mode, as Helm does). */
  lookup?: LookupFn;
  /** Resource bounds for hostile templates; defaults in DEFAULT_RENDER_LIMITS. */
  limits?: Partial<RenderLimits>;
}

export interface RenderLimits {
  /** Characters one template execution (including its includes) may output. */
  maxOutputLength: number;
  /** Range iterations one execution may run. */
  maxRangeIterations: number;
  /** Range iterations, template calls, includes and tpl calls over the whole render. */
  maxSteps: number;
  /** Wall-clock milliseconds the whole render may take. */
  timeoutMs: number;
}

/**
 * Helm has no such limits; these are far above what real charts use (the corpus charts need a few
 * hundred steps) and stop hostile templates within seconds.
 */
export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxOutputLength: 64 * 1024 * 1024,
  maxRangeIterations: 1_000_000,
  maxSteps: 1_000_000,
  timeoutMs: 30_000,
};

/** A template to render: its text, the value of dot, and `.Template.BasePath`. */
export interface Renderable {
  tpl: string;
  vals: GoMap;
  basePath: string;
}

/** A rendering failure, worded as Helm words it (`parse error at (…)`, `execution error at (…)`, …). */
export class RenderError extends Error {
  override name = 'RenderError';
}

const WARN_START = 'HELM_ERR_START';
const WARN_END = 'HELM_ERR_END';
const WARN_RE = new RegExp(`${WARN_START}([\\s\\S]*)${WARN_END}`);

function warnWrap(msg: string): string {
  return WARN_START + msg + WARN_END;
}

function isStackOverflow(e: unknown): boolean {
  return (
    (e instanceof RangeError && e.message.includes('call stack')) ||
    (e instanceof TemplateError && e.message.includes('stack exhausted'))
  );
}

interface RenderState {
  included: Map<string, number>;
  strict: boolean;
  budget: { steps: number; deadline: number };
}

function spend(state: RenderState): void {
  if (--state.budget.steps < 0) throw new FuncError('rendering exceeds its step budget');
  if (Date.now() > state.budget.deadline) throw new FuncError('rendering exceeds its time limit');
}

/** Helm's includeFun: executes a named template of the set, counting nesting per name. */
function includeFunc(t: Template, state: RenderState) {
  return def('include', ['string', 'any'], (nameValue, data) => {
    const name = nameValue as string;
    spend(state);
    const count = state.included.get(name);
    if (count !== undefined && count > RECURSION_MAX)
      throw new FuncError(
        `rendering template has a nested reference name: ${name}: unable to execute template`,
      );
    state.included.set(name, (count ?? 0) + 1);
    try {
      return t.executeTemplate(name, data);
    } catch (e) {
      // The JS stack can run out before Helm's count does; report it as Helm reports the limit.
      if (isStackOverflow(e))
        throw new FuncError(
          `rendering template has a nested reference name: ${name}: unable to execute template`,
        );
      throw e;
    } finally {
      state.included.set(name, (state.included.get(name) ?? 1) - 1);
    }
  });
}

/** Helm's tplFun: parses the text into a clone of the set (so its defines stay local) and runs it. */
function tplFunc(parent: Template, state: RenderState) {
  return def('tpl', ['string', 'any'], (textValue, vals) => {
    const text = textValue as string;
    spend(state);
    const t = parent.clone();
    t.option(state.strict ? 'missingkey=error' : 'missingkey=zero');
    t.funcs({ include: includeFunc(t, state), tpl: tplFunc(t, state) });
    let body: Template;
    try {
      body = parseInto(t, parent.name, text);
    } catch (e) {
      if (e instanceof TemplateError)
        throw new FuncError(`cannot parse template ${sprintf('%q', [text])}: ${e.message}`);
      throw e;
    }
    try {
      return body.execute(vals).replaceAll('<no value>', '');
    } catch (e) {
      if (e instanceof TemplateError && !isStackOverflow(e))
        throw new FuncError(`error during tpl function execution for ${sprintf('%q', [text])}: ${e.message}`);
      throw e;
    }
  });
}

function engineFunctions(t: Template, state: RenderState, options: RenderOptions): FuncMap {
  const lint = options.lintMode === true;
  return {
    ...helmFunctions({ lookup: lint ? undefined : options.lookup }),
    include: includeFunc(t, state),
    tpl: tplFunc(t, state),
    required: def('required', ['string', 'any'], (warn, val) => {
      if (val !== null && val !== '') return val;
      if (lint) return '';
      throw new FuncError(warnWrap(warn as string));
    }),
    fail: def('fail', ['string'], (msg) => {
      if (lint) return '';
      throw new FuncError(warnWrap(msg as string));
    }),
  };
}

function pathDepth(p: string): number {
  return p.split('/').length - 1;
}

/** Helm's sortTemplates: deepest paths first, then reverse lexical order, so top-level definitions win. */
export function sortTemplates(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const d = pathDepth(b) - pathDepth(a);
    if (d !== 0) return d;
    return a < b ? 1 : a > b ? -1 : 0;
  });
}

/** Helm's cleanupParseError. */
function parseErrorMessage(filename: string, err: Error): string {
  const tokens = err.message.split(': ');
  if (tokens.length === 1) return `parse error in (${filename}): ${err.message}`;
  return `parse error at (${tokens[1] ?? ''}): ${tokens[tokens.length - 1] ?? ''}`;
}

/** Helm's reformatExecErrorMsg: `required`/`fail` messages with their location; others as Go words them. */
function execErrorMessage(filename: string, err: Error): string {
  if (!(err instanceof ExecError)) return err.message;
  const tokens = splitN(err.message, ': ', 3);
  if (tokens.length !== 3) return `execution error in (${filename}): ${err.message}`;
  const warn = WARN_RE.exec(tokens[2] as string);
  if (warn) return `execution error at (${tokens[1] ?? ''}): ${warn[1] ?? ''}`;
  return err.message;
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function execLimits(options: RenderOptions, state: RenderState): Partial<ExecLimits> {
  const limits = { ...DEFAULT_RENDER_LIMITS, ...options.limits };
  return {
    maxOutputLength: limits.maxOutputLength,
    maxRangeIterations: limits.maxRangeIterations,
    budget: state.budget,
  };
}

function newRenderState(options: RenderOptions): RenderState {
  const limits = { ...DEFAULT_RENDER_LIMITS, ...options.limits };
  return {
    included: new Map(),
    strict: options.strict === true,
    budget: { steps: limits.maxSteps, deadline: Date.now() + limits.timeoutMs },
  };
}

/** Parses every renderable into the set, in Helm's order (later definitions win). */
function parseAll(t: Template, keys: string[], tpls: Map<string, Renderable>): void {
  for (const filename of keys) {
    try {
      parseInto(t, filename, (tpls.get(filename) as Renderable).tpl);
    } catch (e) {
      if (e instanceof TemplateError) throw new RenderError(parseErrorMessage(filename, e));
      throw e;
    }
  }
}

function executeOne(t: Template, filename: string, r: Renderable): string {
  // Helm sets .Template on the chart's shared values map just before each execution.
  r.vals['Template'] = { Name: filename, BasePath: r.basePath };
  try {
    return t.executeTemplate(filename, r.vals).replaceAll('<no value>', '');
  } catch (e) {
    if (e instanceof TemplateError) throw new RenderError(execErrorMessage(filename, e));
    if (e instanceof RangeError) throw new RenderError(`rendering template failed: ${e.message}`);
    throw e;
  }
}

/**
 * Helm's Engine.render over named renderables: all parsed into one set (partials included), then
 * every non-partial executed. Throws RenderError.
 */
export function renderTemplates(
  tpls: Map<string, Renderable>,
  options: RenderOptions = {},
): Record<string, string> {
  const state = newRenderState(options);
  const t = new Template('gotpl');
  t.option(state.strict ? 'missingkey=error' : 'missingkey=zero');
  t.setLimits(execLimits(options, state));
  t.funcs(engineFunctions(t, state, options));
  const keys = sortTemplates([...tpls.keys()]);
  parseAll(t, keys, tpls);
  const rendered: Record<string, string> = {};
  for (const filename of keys) {
    if (!baseName(filename).startsWith('_'))
      rendered[filename] = executeOne(t, filename, tpls.get(filename) as Renderable);
  }
  return rendered;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** chart.ChartFullPath: the root's name, then `/charts/<name>` per level. */
export function chartFullPath(chart: Chart): string {
  return chart.parent ? `${chartFullPath(chart.parent)}/charts/${chart.metadata.name}` : chart.metadata.name;
}

function isLibrary(chart: Chart): boolean {
  return chart.metadata.type === 'library';
}

function asTable(v: GoValue | undefined): GoMap | null {
  return typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.getPrototypeOf(v) === Object.prototype
    ? (v as GoMap)
    : null;
}

/** Helm's recAllTpls: per-chart render values (Chart, Files, Values scoped to the subchart, Subcharts). */
function collectTemplates(
  chart: Chart,
  templates: Map<string, Renderable>,
  parentVals: GoMap,
  fullPath: string,
  isRoot: boolean,
): GoMap {
  const subcharts: GoMap = {};
  const next: GoMap = {
    Chart: chartMetadataValue(chart.metadata, isRoot),
    Files: chartFiles(chart.files),
    Release: parentVals['Release'] ?? null,
    Capabilities: parentVals['Capabilities'] ?? null,
    Values: {},
    Subcharts: subcharts,
  };
  if (isRoot) next['Values'] = parentVals['Values'] ?? null;
  else {
    const section = asTable(asTable(parentVals['Values'])?.[chart.metadata.name]);
    if (section) next['Values'] = section;
  }
  for (const child of chart.dependencies) {
    const childPath = `${fullPath}/charts/${child.metadata.name}`;
    subcharts[child.metadata.name] = collectTemplates(child, templates, next, childPath, false);
  }
  for (const file of chart.templates) {
    if (isLibrary(chart) && !baseName(file.name).startsWith('_')) continue;
    templates.set(`${fullPath}/${file.name}`, {
      tpl: new TextDecoder().decode(file.data),
      vals: next,
      basePath: `${fullPath}/templates`,
    });
  }
  return next;
}

/** Helm's allTemplates: every renderable of the chart tree keyed by `<chart>/templates/<file>`. */
export function allTemplates(chart: Chart, renderValues: GoMap): Map<string, Renderable> {
  const templates = new Map<string, Renderable>();
  collectTemplates(chart, templates, renderValues, chartFullPath(chart), chart.parent === undefined);
  return templates;
}

/**
 * Helm's engine.Render: renders every template of `chart` and its subcharts with `renderValues`
 * (the map toRenderValues builds). Keys are template paths; partials (`_*`) are not in the result.
 */
export function renderChart(
  chart: Chart,
  renderValues: GoMap,
  options: RenderOptions = {},
): Record<string, string> {
  return renderTemplates(allTemplates(chart, renderValues), options);
}
