/**
 * Helm's ProcessDependenciesWithMerge (pkg/chartutil/dependencies.go): aliases become renamed
 * copies, tags and conditions enable or disable subcharts against the coalesced values, disabled
 * ones are dropped, and import-values copy child values into the parent, child first.
 */
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { isGoMap } from '../sprig/convert.js';
import { deepCopy } from '../sprig/dicts.js';
import { semverCompare } from '../sprig/semver.js';
import { coalesceValues, mergeValues } from '../index.js';
import type { Chart, ChartDependency } from './types.js';

/** Masterminds' IsCompatibleRange: false when either side does not parse. */
export function isCompatibleRange(constraint: string | undefined, version: string | undefined): boolean {
  if (!constraint || !version) return false;
  try {
    return semverCompare(constraint, version);
  } catch {
    return false;
  }
}

/**
 * A copy of the chart tree that dependency processing may change freely: metadata and dependency
 * lists are copied; values (only ever replaced, never changed in place), templates and files are
 * shared.
 */
export function cloneChart(chart: Chart, parent?: Chart): Chart {
  const copy: Chart = {
    ...chart,
    metadata: {
      ...chart.metadata,
      ...(chart.metadata.dependencies
        ? { dependencies: chart.metadata.dependencies.map((d) => ({ ...d })) }
        : {}),
    },
    dependencies: [],
  };
  if (parent !== undefined) copy.parent = parent;
  else delete copy.parent;
  copy.dependencies = chart.dependencies.map((d) => cloneChart(d, copy));
  return copy;
}

/** Processes dependencies in place (use cloneChart first to keep the loaded chart intact). */
export function processDependencies(chart: Chart, values: GoMap): void {
  processDependencyEnabled(chart, values, '');
  processDependencyImportValues(chart);
}

function aliasDependency(charts: readonly Chart[], dep: ChartDependency, parent: Chart): Chart | undefined {
  for (const c of charts) {
    if (c.metadata.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    // A full copy, so every level below knows its path through the (possibly renamed) copy.
    const copy = cloneChart(c, parent);
    if (dep.alias) copy.metadata.name = dep.alias;
    return copy;
  }
  return undefined;
}

function processDependencyEnabled(chart: Chart, values: GoMap, path: string): void {
  const reqs = chart.metadata.dependencies;
  if (reqs === undefined) return;
  const kept: Chart[] = chart.dependencies.filter(
    (existing) =>
      !reqs.some(
        (r) => existing.metadata.name === r.name && isCompatibleRange(r.version, existing.metadata.version),
      ),
  );
  for (const req of reqs) {
    const dep = aliasDependency(chart.dependencies, req, chart);
    if (dep !== undefined) kept.push(dep);
    if (req.alias) req.name = req.alias;
  }
  chart.dependencies = kept;
  for (const req of reqs) req.enabled = true;
  const cvals = coalesceValues(chart, values);
  processTags(reqs, cvals);
  processConditions(reqs, cvals, path);
  const removed = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const enabledCharts = chart.dependencies.filter((c) => !removed.has(c.metadata.name));
  const enabledReqs = reqs.filter((r) => !removed.has(r.name));
  for (const sub of enabledCharts) processDependencyEnabled(sub, cvals, `${path}${sub.metadata.name}.`);
  chart.metadata.dependencies = enabledReqs;
  chart.dependencies = enabledCharts;
}

function processTags(reqs: ChartDependency[], cvals: GoMap): void {
  const tags = table(cvals, 'tags');
  if (tags === undefined) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags ?? []) {
      const v = tags[k];
      if (v === true) hasTrue = true;
      else if (v === false) hasFalse = true;
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else r.enabled = true;
  }
}

function processConditions(reqs: ChartDependency[], cvals: GoMap, path: string): void {
  for (const r of reqs) {
    for (const cond of (r.condition ?? '').trim().split(',')) {
      if (cond.length === 0) continue;
      const v = pathValue(cvals, path + cond);
      if (typeof v === 'boolean') {
        r.enabled = v;
        break;
      }
    }
  }
}

/** chartutil Values.Table: the map at a dotted path, undefined when any step is not a map. */
export function table(values: GoMap, path: string): GoMap | undefined {
  let current: GoMap = values;
  for (const part of path.split('.')) {
    const next: GoValue | undefined = current[part];
    if (next === undefined || !isGoMap(next)) return undefined;
    current = next;
  }
  return current;
}

/** chartutil Values.PathValue: a non-table value at a dotted path. */
export function pathValue(values: GoMap, path: string): GoValue | undefined {
  const parts = path.split('.');
  const key = parts.pop() as string;
  const parent = parts.length === 0 ? values : table(values, parts.join('.'));
  if (parent === undefined || !(key in parent)) return undefined;
  const v = parent[key] as GoValue;
  return isGoMap(v) ? undefined : v;
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === '.') return data;
  let current: GoMap = data;
  for (const part of path.split('.').reverse()) current = { [part]: current };
  return current;
}

/** chartutil.MergeTables: dst wins; tables merge recursively; nulls are kept. */
export function mergeTables(dst: GoMap, src: GoMap): GoMap {
  for (const [key, val] of Object.entries(dst)) if (val === null) src[key] = null;
  for (const [key, val] of Object.entries(src)) {
    if (!(key in dst)) dst[key] = val;
    else {
      const dv = dst[key] as GoValue;
      if (isGoMap(val) && isGoMap(dv)) mergeTables(dv, val);
    }
  }
  return dst;
}

function processDependencyImportValues(chart: Chart): void {
  for (const d of chart.dependencies) processDependencyImportValues(d);
  processImportValues(chart);
}

function processImportValues(chart: Chart): void {
  const reqs = chart.metadata.dependencies;
  if (reqs === undefined) return;
  const cvals = mergeValues(chart, {});
  let imported: GoMap = {};
  for (const r of reqs) {
    const normalized: { child: string; parent: string }[] = [];
    for (const iv of r.importValues ?? []) {
      const { child, parent } = typeof iv === 'string' ? { child: `exports.${iv}`, parent: '.' } : iv;
      normalized.push({ child, parent });
      const vv = table(cvals, `${r.name}.${child}`);
      if (vv === undefined) continue;
      imported = mergeTables(imported, pathToMap(parent, deepCopy(vv) as GoMap));
    }
    r.importValues = normalized;
  }
  chart.values = mergeTables(deepCopy(cvals) as GoMap, imported);
}
