/**
 * Go value conversions as Sprig performs them (spf13/cast semantics for toInt64/toFloat64 and
 * Sprig's strval for strings), plus the small helpers every function family shares.
 */
import {
  FuncError,
  GoFunc,
  formatValue,
  kindOf,
  type GoMap,
  type GoValue,
  type ParamType,
} from '@flotilla/gotemplate';

/** Declares a Go-typed template function: `def('trunc', ['int', 'string'], impl)`. */
export function def(
  name: string,
  params: ParamType[],
  impl: (...args: GoValue[]) => GoValue,
  variadic?: ParamType,
): GoFunc {
  return new GoFunc(name, impl, variadic ? { params, variadic } : { params });
}

export function isGoMap(v: GoValue): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Sprig's strval: strings as-is, everything else (nil too, as `<nil>`) through fmt's %v. */
export function strval(v: GoValue): string {
  return typeof v === 'string' ? v : formatValue(v);
}

/** `fmt.Sprintf("%v", v)`, where nil prints as `<nil>`. */
export function sprintValue(v: GoValue): string {
  return formatValue(v);
}

const INT_TEXT = /^[+-]?(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]*|0[bB][01_]+|[1-9][0-9_]*|0)$/;

/** strconv.ParseInt(s, 0, 64) — base prefixes and underscores allowed; null when invalid or out of range. */
export function parseIntBase0(text: string): bigint | null {
  if (!INT_TEXT.test(text)) return null;
  const negative = text.startsWith('-');
  let body = text.replace(/^[+-]/, '').replaceAll('_', '');
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const n = negative ? -BigInt(body) : BigInt(body);
  return BigInt.asIntN(64, n) === n ? n : null;
}

/** cast's trimZeroDecimal: "12.000" → "12" so such strings still convert to ints. */
function trimZeroDecimal(s: string): string {
  const m = /^(.*?)\.0+$/.exec(s);
  return m ? (m[1] as string) : s;
}

/** cast.ToInt64: ints, truncated floats, bools, numeric strings; anything else is 0. */
export function toInt64(v: GoValue): bigint {
  switch (typeof v) {
    case 'bigint':
      return BigInt.asIntN(64, v);
    case 'number':
      return Number.isFinite(v) ? BigInt.asIntN(64, BigInt(Math.trunc(v))) : 0n;
    case 'boolean':
      return v ? 1n : 0n;
    case 'string':
      return parseIntBase0(trimZeroDecimal(v)) ?? 0n;
    default:
      return 0n;
  }
}

/** strconv.ParseFloat(s, 64), null when invalid. */
export function parseFloat64(text: string): number | null {
  const t = text.replaceAll('_', '');
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?0[xX]/.test(t)) return null;
  const n = Number(t);
  return Number.isNaN(n) ? null : n;
}

/** cast.ToFloat64: numbers, bools, numeric strings; anything else is 0. */
export function toFloat64(v: GoValue): number {
  switch (typeof v) {
    case 'bigint':
      return Number(v);
    case 'number':
      return v;
    case 'boolean':
      return v ? 1 : 0;
    case 'string':
      return parseFloat64(v) ?? 0;
    default:
      return 0;
  }
}

/** reflect.Kind name of a value, as Sprig's messages and kindOf print it (nil is `invalid`). */
export function kindName(v: GoValue): string {
  return v === null ? 'invalid' : kindOf(v);
}

/** Sprig's panics surface as template errors; `must*` variants return them as errors. */
export function fail(message: string): never {
  throw new FuncError(message);
}
