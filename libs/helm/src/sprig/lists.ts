/** Sprig's list functions (list.go, numeric.go's until/untilStep/seq). */
import { FuncError, isTrue, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def, fail, kindName, strval, toInt64 } from './convert.js';
import { deepEqual } from './types.js';

/** A slice argument, or Sprig's "Cannot <what> on type <kind>" failure. */
function asList(v: GoValue, what: string): GoValue[] {
  if (Array.isArray(v)) return v;
  return fail(`Cannot ${what} on type ${kindName(v)}`);
}

/** Sprig's strslice: slices become strings (nil elements dropped), nil is empty, scalars one element. */
export function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(strval);
  if (v === null) return [];
  return [strval(v)];
}

function chunk(size: number, list: GoValue[]): GoValue[][] {
  const out: GoValue[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function uniq(list: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const item of list) if (!out.some((x) => deepEqual(x, item))) out.push(item);
  return out;
}

function sliceList(list: GoValue[], indices: GoValue[]): GoValue[] {
  const start = indices.length > 0 ? Number(toInt64(indices[0] as GoValue)) : 0;
  const end = indices.length >= 2 ? Number(toInt64(indices[1] as GoValue)) : list.length;
  if (start < 0 || end < start || end > list.length) throw new FuncError(`reflect: slice index out of range`);
  return list.slice(start, end);
}

function concat(lists: GoValue[]): GoValue[] {
  const out: GoValue[] = [];
  for (const l of lists) {
    if (!Array.isArray(l)) fail(`Cannot concat type ${kindName(l)} as list`);
    out.push(...l);
  }
  return out;
}

/** Longest list until/untilStep/seq build: Go would allocate without bound; we refuse instead. */
export const MAX_GENERATED_LIST = 10_000_000;

function checkListSize(start: bigint, stop: bigint, step: bigint): void {
  const span = stop > start ? stop - start : start - stop;
  const abs = step < 0n ? -step : step;
  if (span / abs > BigInt(MAX_GENERATED_LIST))
    fail(`list of ${span / abs} elements exceeds the limit of ${MAX_GENERATED_LIST}`);
}

/** Sprig's untilStep: an empty list whenever the step cannot reach stop. */
export function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const out: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return out;
    checkListSize(start, stop, step);
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0n) return out;
  checkListSize(start, stop, step);
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

/** Sprig's seq, GNU seq style: `seq END`, `seq START END`, `seq START STEP END`. */
export function seq(params: bigint[]): string {
  const [a, b, c] = params;
  let values: bigint[] = [];
  if (params.length === 1 && a !== undefined) {
    const inc = a < 1n ? -1n : 1n;
    values = untilStep(1n, a + inc, inc);
  } else if (params.length === 2 && a !== undefined && b !== undefined) {
    const step = b < a ? -1n : 1n;
    values = untilStep(a, b + step, step);
  } else if (params.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
    const inc = c < a ? -1n : 1n;
    if (inc < 0n && b > 0n) return '';
    values = untilStep(a, c + inc, b);
  }
  return values.map(String).join(' ');
}

function listFunctionsByShape(): FuncMap {
  const pairs: [string, string, (l: GoValue[], v: GoValue) => GoValue][] = [
    ['append', 'push', (l, v) => [...l, v]],
    ['push', 'push', (l, v) => [...l, v]],
    ['prepend', 'prepend', (l, v) => [v, ...l]],
  ];
  const singles: [string, string, (l: GoValue[]) => GoValue][] = [
    ['first', 'find first', (l) => (l.length === 0 ? null : (l[0] as GoValue))],
    ['last', 'find last', (l) => (l.length === 0 ? null : (l[l.length - 1] as GoValue))],
    ['rest', 'find rest', (l) => l.slice(1)],
    ['initial', 'find initial', (l) => l.slice(0, -1)],
    ['reverse', 'find reverse', (l) => [...l].reverse()],
    ['compact', 'compact', (l) => l.filter(isTrue)],
    ['uniq', 'find uniq', uniq],
  ];
  const out: FuncMap = {};
  for (const [name, what, impl] of pairs) {
    const f = (l: GoValue, v: GoValue): GoValue => impl(asList(l, what), v);
    out[name] = def(name, ['any', 'any'], f);
    out[mustName(name)] = def(mustName(name), ['any', 'any'], f);
  }
  for (const [name, what, impl] of singles) {
    const f = (l: GoValue): GoValue => impl(asList(l, what));
    out[name] = def(name, ['any'], f);
    out[mustName(name)] = def(mustName(name), ['any'], f);
  }
  return out;
}

const mustName = (name: string): string => `must${name[0]?.toUpperCase()}${name.slice(1)}`;

function withMust(
  name: string,
  params: Parameters<typeof def>[1],
  impl: (...a: GoValue[]) => GoValue,
  variadic?: 'any',
): FuncMap {
  return {
    [name]: def(name, params, impl, variadic),
    [mustName(name)]: def(mustName(name), params, impl, variadic),
  };
}

export function listFunctions(): FuncMap {
  const int = (v: GoValue): number => Number(v as bigint);
  return {
    list: def('list', [], (...v) => v, 'any'),
    tuple: def('tuple', [], (...v) => v, 'any'),
    ...listFunctionsByShape(),
    ...withMust('chunk', ['int', 'any'], (n, l) => chunk(int(n), asList(l, 'chunk'))),
    ...withMust(
      'without',
      ['any'],
      (l, ...omit) => asList(l, 'find without').filter((x) => !omit.some((o) => deepEqual(o, x))),
      'any',
    ),
    ...withMust('has', ['any', 'any'], (needle, hay) =>
      hay === null ? false : asList(hay, 'find has').some((x) => deepEqual(x, needle)),
    ),
    ...withMust('slice', ['any'], (l, ...idx) => sliceList(asList(l, 'slice'), idx), 'any'),
    concat: def('concat', [], (...lists) => concat(lists), 'any'),
    sortAlpha: def('sortAlpha', ['any'], (l) =>
      Array.isArray(l) ? strslice(l).sort(compareBytes) : [strval(l)],
    ),
    toStrings: def('toStrings', ['any'], (l) => strslice(l)),
    join: def('join', ['string', 'any'], (sep, l) => strslice(l).join(sep as string)),
    until: def('until', ['int'], (n) => untilStep(0n, n as bigint, (n as bigint) < 0n ? -1n : 1n)),
    untilStep: def('untilStep', ['int', 'int', 'int'], (a, b, c) =>
      untilStep(a as bigint, b as bigint, c as bigint),
    ),
    seq: def('seq', [], (...p) => seq(p as bigint[]), 'int'),
  };
}

const utf8 = new TextEncoder();

/** Go's sort.Strings order: byte-wise UTF-8. */
export function compareBytes(a: string, b: string): number {
  const ab = utf8.encode(a);
  const bb = utf8.encode(b);
  for (let i = 0; i < Math.min(ab.length, bb.length); i++) {
    const d = (ab[i] as number) - (bb[i] as number);
    if (d !== 0) return d;
  }
  return ab.length - bb.length;
}
