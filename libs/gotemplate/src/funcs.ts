/** The builtin template functions (Go's builtins()), written against the Go value model. */
import { eq, ge, gt, le, lt, ne } from './compare.js';
import { FuncError } from './errors.js';
import { htmlEscape, jsEscape, urlQueryEscape } from './escape.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import {
  GoFunc,
  assignError,
  isMap,
  isTrue,
  typeName,
  type FuncSignature,
  type GoValue,
  type ParamType,
} from './values.js';

const utf8 = new TextEncoder();
const utf8Decode = new TextDecoder();

function indexArg(index: GoValue, cap: number, inclusive: boolean): number {
  if (index === null) throw new FuncError('cannot index slice/array with nil');
  if (typeof index !== 'bigint') throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0n || index > BigInt(cap) || (!inclusive && index === BigInt(cap))) {
    throw new FuncError(`index out of range: ${index}`);
  }
  return Number(index);
}

function indexOne(item: GoValue, index: GoValue): GoValue {
  if (typeof item === 'string') {
    const bytes = utf8.encode(item);
    return BigInt(bytes[indexArg(index, bytes.length, false)] as number);
  }
  if (Array.isArray(item)) return item[indexArg(index, item.length, false)] ?? null;
  if (isMap(item)) {
    if (index === null) throw new FuncError('value is nil; should be of type string');
    if (typeof index !== 'string') throw new FuncError(`value has type ${typeName(index)}; should be string`);
    return Object.hasOwn(item, index) ? (item[index] ?? null) : null;
  }
  throw new FuncError(`can't index item of type ${typeName(item)}`);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === null) throw new FuncError('index of untyped nil');
  let cur: GoValue = item;
  for (const i of indexes) {
    if (cur === null) throw new FuncError('index of nil pointer');
    cur = indexOne(cur, i);
  }
  return cur;
}

function slice(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === null) throw new FuncError('slice of untyped nil');
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  const isString = typeof item === 'string';
  if (isString && indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
  if (!isString && !Array.isArray(item)) throw new FuncError(`can't slice item of type ${typeName(item)}`);
  const bytes = isString ? utf8.encode(item) : null;
  const len = bytes ? bytes.length : (item as GoValue[]).length;
  const idx = [0, len, len];
  indexes.forEach((x, i) => (idx[i] = indexArg(x, len, true)));
  const [i, j, k] = idx as [number, number, number];
  if (i > j) throw new FuncError(`invalid slice index: ${i} > ${j}`);
  if (indexes.length === 3 && j > k) throw new FuncError(`invalid slice index: ${j} > ${k}`);
  return bytes ? utf8Decode.decode(bytes.slice(i, j)) : (item as GoValue[]).slice(i, j);
}

function length(item: GoValue): GoValue {
  if (item === null) throw new FuncError('len of untyped nil');
  if (typeof item === 'string') return BigInt(utf8.encode(item).length);
  if (Array.isArray(item)) return BigInt(item.length);
  if (isMap(item)) return BigInt(Object.keys(item).length);
  throw new FuncError(`len of type ${typeName(item)}`);
}

/** The escapers' argument rule: one string as is, otherwise fmt.Sprint with nil shown as <no value>. */
function escaperArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === null ? '<no value>' : a)));
}

/** The `call` builtin: calls a function value after checking its arguments against its signature. */
export function callFunction(name: string, fn: GoValue, args: GoValue[]): GoValue {
  if (fn === null) throw new FuncError('call of nil');
  if (!(fn instanceof GoFunc)) throw new FuncError(`non-function ${name} of type ${typeName(fn)}`);
  const { params, variadic } = fn.signature;
  if (variadic ? args.length < params.length : args.length !== params.length) {
    const want = variadic ? `at least ${params.length}` : `${params.length}`;
    throw new FuncError(`wrong number of args for ${name}: got ${args.length} want ${want}`);
  }
  args.forEach((a, i) => {
    const t = (i < params.length ? params[i] : variadic) as ParamType;
    const err = assignError(a, t);
    if (err) throw new FuncError(`arg ${i}: ${err}`);
  });
  return fn.impl(...args);
}

function builtin(name: string, sig: FuncSignature, impl: (...args: GoValue[]) => GoValue): GoFunc {
  return new GoFunc(name, impl, sig);
}

const V: ParamType = 'value';
const ANY_VARIADIC: FuncSignature = { params: [], variadic: 'any' };

function compareFunc(name: string, f: (a: GoValue, b: GoValue) => boolean): GoFunc {
  return builtin(name, { params: [V, V] }, (a, b) => f(a as GoValue, b as GoValue));
}

/** Go's builtin function table. `and`, `or` and `call` are also special-cased by the executor. */
export function builtinFuncs(): Map<string, GoFunc> {
  const list = [
    builtin(
      'and',
      { params: [V], variadic: V },
      (...args) => args.find((a) => !isTrue(a)) ?? (args.at(-1) as GoValue),
    ),
    builtin(
      'or',
      { params: [V], variadic: V },
      (...args) => args.find((a) => isTrue(a)) ?? (args.at(-1) as GoValue),
    ),
    builtin('not', { params: [V] }, (a) => !isTrue(a as GoValue)),
    builtin('call', { params: [V], variadic: V }, (fn, ...args) => callFunction('call', fn as GoValue, args)),
    builtin('html', ANY_VARIADIC, (...args) => htmlEscape(escaperArgs(args))),
    builtin('js', ANY_VARIADIC, (...args) => jsEscape(escaperArgs(args))),
    builtin('urlquery', ANY_VARIADIC, (...args) => urlQueryEscape(escaperArgs(args))),
    builtin('index', { params: [V], variadic: V }, (item, ...idx) => index(item as GoValue, ...idx)),
    builtin('slice', { params: [V], variadic: V }, (item, ...idx) => slice(item as GoValue, ...idx)),
    builtin('len', { params: [V] }, (item) => length(item as GoValue)),
    builtin('print', ANY_VARIADIC, (...args) => sprint(args)),
    builtin('printf', { params: ['string'], variadic: 'any' }, (format, ...args) =>
      sprintf(format as string, args),
    ),
    builtin('println', ANY_VARIADIC, (...args) => sprintln(args)),
    builtin('eq', { params: [V], variadic: V }, (a, ...rest) => eq(a as GoValue, ...rest)),
    compareFunc('ne', ne),
    compareFunc('lt', lt),
    compareFunc('le', le),
    compareFunc('gt', gt),
    compareFunc('ge', ge),
  ];
  return new Map(list.map((f) => [f.name, f]));
}
