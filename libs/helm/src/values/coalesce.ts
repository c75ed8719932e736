/**
 * Helm's values coalescing (pkg/chartutil/coalesce.go): user values over chart defaults, subchart
 * sections by chart name, `global` copied down to every subchart, and `null` deleting a default
 * (CoalesceValues) or kept as null (MergeValues, used while processing dependencies).
 */
import { formatValue, sprintf, type GoMap, type GoValue } from '@flotilla/gotemplate';
import type { Chart } from '../chart/types.js';

export interface CoalesceOptions {
  /** Receives Helm's non-fatal warnings (table/non-table conflicts); default: ignored. */
  warn?: (message: string) => void;
}

/** A conflict Helm reports as an error (a subchart's section is not a table). */
export class CoalesceError extends Error {
  override name = 'CoalesceError';
}

const GLOBAL_KEY = 'global';

type Printf = (message: string) => void;

function isTable(v: GoValue | undefined): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** A deep copy of plain maps and lists (copystructure.Copy); other values are immutable here. */
export function deepCopyValues<T extends GoValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepCopyValues(x)) as T;
  if (isTable(v)) {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopyValues(x);
    return out as T;
  }
  return v;
}

function concatPrefix(a: string, b: string): string {
  return a === '' ? b : `${a}.${b}`;
}

/** Helm's %v of a value in warnings. */
function show(v: GoValue): string {
  return formatValue(v);
}

/** chartutil.CoalesceValues: `userValues` (copied, not modified) over the chart tree's defaults. */
export function coalesceValues(chart: Chart, userValues: GoMap, options: CoalesceOptions = {}): GoMap {
  return guardDepth(() =>
    coalesce(options.warn ?? (() => undefined), chart, deepCopyValues(userValues), '', false),
  );
}

/** Values nested deeper than the JS stack allows fail as a CoalesceError, not a bare RangeError. */
function guardDepth(fn: () => GoMap): GoMap {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError && e.message.includes('call stack'))
      throw new CoalesceError('values are nested too deeply to coalesce');
    throw e;
  }
}

/** chartutil.MergeValues: like coalesceValues, but nulls are kept rather than deleting keys. */
export function mergeValues(chart: Chart, userValues: GoMap, options: CoalesceOptions = {}): GoMap {
  return guardDepth(() =>
    coalesce(options.warn ?? (() => undefined), chart, deepCopyValues(userValues), '', true),
  );
}

function coalesce(printf: Printf, chart: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  coalesceChartValues(printf, chart, dest, prefix, merge);
  return coalesceDeps(printf, chart, dest, prefix, merge);
}

function coalesceDeps(printf: Printf, chart: Chart, dest: GoMap, prefix: string, merge: boolean): GoMap {
  for (const sub of chart.dependencies) {
    const name = sub.metadata.name;
    if (!Object.hasOwn(dest, name)) dest[name] = {};
    const section = dest[name] ?? null;
    if (!isTable(section)) throw new CoalesceError(sprintf('type mismatch on %s: %t', [name, section]));
    const subPrefix = concatPrefix(prefix, chart.metadata.name);
    coalesceGlobals(printf, section, dest, subPrefix);
    dest[name] = coalesce(printf, sub, section, subPrefix, merge);
  }
  return dest;
}

/** Copies the globals of `src` into `dest`'s own `global` (tables merged top-down). */
function coalesceGlobals(printf: Printf, dest: GoMap, src: GoMap, prefix: string): void {
  const destGlobal = Object.hasOwn(dest, GLOBAL_KEY) ? (dest[GLOBAL_KEY] ?? null) : {};
  if (!isTable(destGlobal)) {
    printf(`warning: skipping globals because destination ${GLOBAL_KEY} is not a table.`);
    return;
  }
  const srcGlobal = Object.hasOwn(src, GLOBAL_KEY) ? (src[GLOBAL_KEY] ?? null) : {};
  if (!isTable(srcGlobal)) {
    printf(`warning: skipping globals because source ${GLOBAL_KEY} is not a table.`);
    return;
  }
  for (const [key, val] of Object.entries(srcGlobal)) {
    if (isTable(val)) {
      const copy: GoMap = { ...val };
      if (!Object.hasOwn(destGlobal, key)) destGlobal[key] = copy;
      else {
        const dv = destGlobal[key] ?? null;
        if (!isTable(dv)) printf(`Conflict: cannot merge map onto non-map for "${key}". Skipping.`);
        else {
          coalesceTablesFullKey(printf, copy, dv, concatPrefix(prefix, key), true);
          destGlobal[key] = copy;
        }
      }
    } else if (Object.hasOwn(destGlobal, key) && isTable(destGlobal[key])) {
      printf(`key ${key} is table. Skipping`);
    } else {
      destGlobal[key] = val;
    }
  }
  dest[GLOBAL_KEY] = destGlobal;
}

/** A subchart's section is merged (nulls kept) so the subchart's own pass can apply them. */
function isChildChart(chart: Chart, key: string): boolean {
  return chart.dependencies.some((d) => d.metadata.name === key);
}

/** coalesceValues for one chart: its defaults (deep-copied) under the values in `v`. */
function coalesceChartValues(printf: Printf, chart: Chart, v: GoMap, prefix: string, merge: boolean): void {
  const subPrefix = concatPrefix(prefix, chart.metadata.name);
  const defaults = deepCopyValues(chart.values ?? {});
  for (const [key, val] of Object.entries(defaults)) {
    if (!Object.hasOwn(v, key)) {
      v[key] = val;
      continue;
    }
    const value = v[key] ?? null;
    if (value === null && !merge) {
      delete v[key];
    } else if (isTable(value)) {
      if (!isTable(val)) {
        if (val !== null) printf(`warning: skipped value for ${subPrefix}.${key}: Not a table.`);
      } else {
        const childMerge = isChildChart(chart, key) || merge;
        coalesceTablesFullKey(printf, value, val, concatPrefix(subPrefix, key), childMerge);
      }
    }
  }
}

/** coalesceTablesFullKey: merges `src` into `dst`, `dst` winning; nulls in `dst` delete unless merging. */
function coalesceTablesFullKey(
  printf: Printf,
  dst: GoMap,
  src: GoMap,
  prefix: string,
  merge: boolean,
): GoMap {
  for (const [key, val] of Object.entries(dst)) if (val === null) src[key] = null;
  for (const [key, val] of Object.entries(src)) {
    const fullKey = concatPrefix(prefix, key);
    const has = Object.hasOwn(dst, key);
    const dv = has ? (dst[key] ?? null) : null;
    if (has && !merge && dv === null) delete dst[key];
    else if (!has) dst[key] = val;
    else if (isTable(val)) {
      if (isTable(dv)) coalesceTablesFullKey(printf, dv, val, fullKey, merge);
      else printf(`warning: cannot overwrite table with non table for ${fullKey} (${show(val)})`);
    } else if (isTable(dv) && val !== null) {
      printf(`warning: destination for ${fullKey} is a table. Ignoring non-table value (${show(val)})`);
    }
  }
  return dst;
}
