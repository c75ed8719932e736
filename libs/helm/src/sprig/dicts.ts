/** Sprig's dict functions (dict.go), with mergo's merge rules and copystructure's deep copy. */
import { FuncError, isTrue, type FuncMap, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def, isGoMap, strval } from './convert.js';
import { compareBytes } from './lists.js';

function dict(args: GoValue[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < args.length; i += 2)
    out[strval(args[i] as GoValue)] = i + 1 < args.length ? (args[i + 1] as GoValue) : '';
  return out;
}

/** A `map[string]interface{}` parameter; Go's call would reject anything else. */
function asDict(v: GoValue, fn: string): GoMap {
  if (isGoMap(v)) return v;
  throw new FuncError(`${fn}: expected map[string]interface {}, got ${v === null ? 'nil' : typeof v}`);
}

function pick(d: GoMap, keys: GoValue[], keep: boolean): GoMap {
  const wanted = new Set(keys.map((k) => strval(k)));
  const out: GoMap = {};
  for (const [k, v] of Object.entries(d)) if (wanted.has(k) === keep) out[k] = v;
  return out;
}

function dig(args: GoValue[]): GoValue {
  if (args.length < 3) throw new FuncError('dig needs at least three arguments');
  let current = asDict(args[args.length - 1] as GoValue, 'dig');
  const fallback = args[args.length - 2] as GoValue;
  const keys = args.slice(0, -2);
  for (const [i, key] of keys.entries()) {
    if (typeof key !== 'string') throw new FuncError(`interface conversion: interface {} is not string`);
    if (!Object.hasOwn(current, key)) return fallback;
    const step = current[key] as GoValue;
    if (i === keys.length - 1) return step;
    current = asDict(step, 'dig');
  }
  return fallback;
}

/**
 * mergo's map merge: nested maps merge recursively (in place, so maps copied from a source stay
 * shared with it); otherwise a key is taken when the destination lacks it or holds an empty value,
 * or — when overwriting — whenever the source value is not empty.
 */
export function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): GoMap {
  for (const [k, sv] of Object.entries(src)) {
    const dv = dst[k];
    if (dv !== undefined && isGoMap(dv) && isGoMap(sv)) {
      mergeInto(dv, sv, overwrite);
      continue;
    }
    if (dv === undefined || !isTrue(dv) || (overwrite && isTrue(sv))) dst[k] = sv;
  }
  return dst;
}

function merge(args: GoValue[], overwrite: boolean, fn: string): GoMap {
  const [dst, ...srcs] = args.map((a) => asDict(a, fn));
  for (const src of srcs) mergeInto(dst as GoMap, src, overwrite);
  return dst as GoMap;
}

/** copystructure.Copy: maps and slices are copied recursively; other values are immutable here. */
export function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isGoMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

export function dictFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    dict: def('dict', [], (...args) => dict(args), 'any'),
    get: def('get', ['any', 'string'], (d, k) => {
      const m = asDict(d, 'get');
      return Object.hasOwn(m, str(k)) ? (m[str(k)] as GoValue) : '';
    }),
    set: def('set', ['any', 'string', 'any'], (d, k, v) => {
      const m = asDict(d, 'set');
      m[str(k)] = v;
      return m;
    }),
    unset: def('unset', ['any', 'string'], (d, k) => {
      const m = asDict(d, 'unset');
      delete m[str(k)];
      return m;
    }),
    hasKey: def('hasKey', ['any', 'string'], (d, k) => Object.hasOwn(asDict(d, 'hasKey'), str(k))),
    pluck: def(
      'pluck',
      ['string'],
      (k, ...ds) =>
        ds
          .map((d) => asDict(d, 'pluck'))
          .filter((d) => Object.hasOwn(d, str(k)))
          .map((d) => d[str(k)] as GoValue),
      'any',
    ),
    // Go's map order is random; sorted keys keep output deterministic.
    keys: def(
      'keys',
      [],
      (...ds) => ds.flatMap((d) => Object.keys(asDict(d, 'keys'))).sort(compareBytes),
      'any',
    ),
    values: def('values', ['any'], (d) => {
      const m = asDict(d, 'values');
      return Object.keys(m)
        .sort(compareBytes)
        .map((k) => m[k] as GoValue);
    }),
    pick: def('pick', ['any'], (d, ...ks) => pick(asDict(d, 'pick'), ks, true), 'string'),
    omit: def('omit', ['any'], (d, ...ks) => pick(asDict(d, 'omit'), ks, false), 'string'),
    dig: def('dig', [], (...args) => dig(args), 'any'),
    merge: def('merge', ['any'], (...a) => merge(a, false, 'merge'), 'any'),
    mustMerge: def('mustMerge', ['any'], (...a) => merge(a, false, 'mustMerge'), 'any'),
    mergeOverwrite: def('mergeOverwrite', ['any'], (...a) => merge(a, true, 'mergeOverwrite'), 'any'),
    mustMergeOverwrite: def(
      'mustMergeOverwrite',
      ['any'],
      (...a) => merge(a, true, 'mustMergeOverwrite'),
      'any',
    ),
    deepCopy: def('deepCopy', ['any'], (v) => deepCopy(v)),
    mustDeepCopy: def('mustDeepCopy', ['any'], (v) => {
      if (v === null) throw new FuncError('copy: Invalid value');
      return deepCopy(v);
    }),
  };
}
