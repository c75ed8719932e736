/**
 * The Go value model. Go distinguishes int from float64, nil from empty values and maps from
 * slices; JavaScript does not, so each Go kind gets one JS representation:
 * int → bigint, float64 → number, string, bool, nil → null, []interface{} → array,
 * map[string]interface{} → plain object, complex128 → GoComplex, func → GoFunc, and a struct
 * (fixed fields, methods, errors for unknown fields) → GoStruct.
 */
export type GoValue =
  null | boolean | string | bigint | number | GoComplex | GoFunc | GoStruct | GoValue[] | GoMap;

export interface GoMap {
  [key: string]: GoValue;
}

export class GoComplex {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {}
}

/** Parameter kinds a template function can declare; `value` receives the raw value unchecked. */
export type ParamType = 'any' | 'string' | 'int' | 'float64' | 'bool' | 'value';

export interface FuncSignature {
  /** Fixed parameters. */
  params: ParamType[];
  /** Element type of a trailing variadic parameter, if any. */
  variadic?: ParamType;
}

/** A Go function value: JS implementation plus its Go signature (arity and parameter types matter to Go). */
export class GoFunc {
  constructor(
    readonly name: string,
    readonly impl: (...args: GoValue[]) => GoValue,
    readonly signature: FuncSignature,
  ) {}
}

/**
 * A Go struct value: named type, exported fields in declaration order, and methods. Unlike a map,
 * asking for a field it does not have is an error, and methods are called with the command's arguments.
 */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Record<string, GoValue>,
    readonly methods: Record<string, GoFunc> = {},
  ) {}
}

/**
 * Methods of a named map or slice type (e.g. Helm's `files` map with Get/Glob, `VersionSet` with
 * Has): a field name that is a method calls it, as Go looks up methods before map keys.
 */
export const GO_METHODS: unique symbol = Symbol('gotemplate.methods');

interface WithMethods {
  [GO_METHODS]?: Record<string, GoFunc>;
}

/** Attaches methods to a map or slice value (non-enumerable, so ranging and printing ignore them). */
export function withMethods<T extends GoValue[] | GoMap>(value: T, methods: Record<string, GoFunc>): T {
  Object.defineProperty(value, GO_METHODS, { value: methods, enumerable: false });
  return value;
}

/** The method `name` of a map or slice value with methods, if any. */
export function methodOf(value: GoValue, name: string): GoFunc | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const methods = (value as WithMethods)[GO_METHODS];
  return methods && Object.hasOwn(methods, name) ? methods[name] : undefined;
}

/** Wraps a plain JS function as a Go func: its declared parameters are fixed `any`, plus `...any`. */
export function toGoFunc(name: string, fn: GoFunc | ((...args: GoValue[]) => GoValue)): GoFunc {
  if (fn instanceof GoFunc) return fn;
  return new GoFunc(name, fn, { params: Array.from({ length: fn.length }, () => 'any'), variadic: 'any' });
}

export function isMap(v: GoValue | undefined): v is GoMap {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof GoComplex) &&
    !(v instanceof GoFunc) &&
    !(v instanceof GoStruct)
  );
}

export type GoKind =
  'nil' | 'bool' | 'string' | 'int' | 'float64' | 'complex128' | 'func' | 'struct' | 'slice' | 'map';

export function kindOf(v: GoValue): GoKind {
  if (v === null) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float64';
    default:
      if (Array.isArray(v)) return 'slice';
      if (v instanceof GoComplex) return 'complex128';
      if (v instanceof GoFunc) return 'func';
      if (v instanceof GoStruct) return 'struct';
      return 'map';
  }
}

const TYPE_NAMES: Record<GoKind, string> = {
  nil: '<nil>',
  bool: 'bool',
  string: 'string',
  int: 'int',
  float64: 'float64',
  complex128: 'complex128',
  func: 'func',
  struct: 'struct',
  slice: '[]interface {}',
  map: 'map[string]interface {}',
};

/** Go's `%T` name of a value's dynamic type. */
export function typeName(v: GoValue): string {
  if (v instanceof GoFunc) return funcTypeName(v.signature);
  if (v instanceof GoStruct) return v.typeName;
  return TYPE_NAMES[kindOf(v)];
}

const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  any: 'interface {}',
  string: 'string',
  int: 'int',
  float64: 'float64',
  bool: 'bool',
  value: 'reflect.Value',
};

export function paramTypeName(t: ParamType): string {
  return PARAM_TYPE_NAMES[t];
}

function funcTypeName(sig: FuncSignature): string {
  const params = sig.params.map(paramTypeName);
  if (sig.variadic) params.push(`...${paramTypeName(sig.variadic)}`);
  return `func(${params.join(', ')}) interface {}`;
}

/** Go's truth: false, 0, nil and empty collections are false. */
export function isTrue(v: GoValue): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'string':
      return (v as string).length > 0;
    case 'int':
      return v !== 0n;
    case 'float64':
      return v !== 0;
    case 'complex128':
      return (v as GoComplex).re !== 0 || (v as GoComplex).im !== 0;
    case 'slice':
      return (v as GoValue[]).length > 0;
    case 'map':
      return Object.keys(v as GoMap).length > 0;
    default:
      return true;
  }
}

/** Map keys in the order Go's fmt and range visit them (sorted strings, byte-wise). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareGoStrings);
}

const utf8 = new TextEncoder();

/** Byte-wise (UTF-8) string comparison, as Go compares strings. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ab = utf8.encode(a);
  const bb = utf8.encode(b);
  const n = Math.min(ab.length, bb.length);
  for (let i = 0; i < n; i++) {
    const d = (ab[i] as number) - (bb[i] as number);
    if (d !== 0) return d;
  }
  return ab.length - bb.length;
}

/** Length of a string in UTF-8 bytes (Go's len of a string). */
export function byteLength(s: string): number {
  return utf8.encode(s).length;
}

export const MAX_INT64 = (1n << 63n) - 1n;
export const MIN_INT64 = -(1n << 63n);

/** Wraps to int64 like Go's two's-complement arithmetic. */
export function toInt64(n: bigint): bigint {
  return BigInt.asIntN(64, n);
}

/** Why `v` cannot be passed as a parameter of type `t` (Go's assignability), or null when it can. */
export function assignError(v: GoValue, t: ParamType): string | null {
  if (t === 'any' || t === 'value') return null;
  if (v === null) return `invalid value; expected ${paramTypeName(t)}`;
  const k = kindOf(v);
  if (k === t || (t === 'bool' && k === 'bool')) return null;
  return `wrong type for value; expected ${paramTypeName(t)}; got ${typeName(v)}`;
}
