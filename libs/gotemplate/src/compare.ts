/** Go's comparison builtins (eq, ne, lt, le, gt, ge) with their kind rules and error wording. */
import { FuncError } from './errors.js';
import { formatValue } from './fmt.js';
import { GoStruct, compareGoStrings, kindOf, typeName, type GoComplex, type GoValue } from './values.js';

type BasicKind = 'bool' | 'int' | 'float' | 'complex' | 'string' | 'invalid';

function basicKind(v: GoValue): BasicKind {
  switch (kindOf(v)) {
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float64':
      return 'float';
    case 'complex128':
      return 'complex';
    case 'string':
      return 'string';
    default:
      return 'invalid';
  }
}

const BAD_COMPARISON = 'incompatible types for comparison';
const BAD_COMPARISON_TYPE = 'invalid type for comparison';

function equalNonBasic(a: GoValue, b: GoValue): boolean {
  if (a === null || b === null) return a === b;
  if (a instanceof GoStruct && b instanceof GoStruct && a.typeName === b.typeName) {
    // Structs compare field by field (only comparable fields make a comparable struct).
    return Object.keys(a.fields).every((k) => equalOne(a.fields[k] ?? null, b.fields[k] ?? null));
  }
  if (kindOf(a) !== kindOf(b))
    throw new FuncError(
      `non-comparable types ${formatValue(a)}: ${typeName(a)}, ${typeName(b)}: ${formatValue(b)}`,
    );
  throw new FuncError(`non-comparable type ${formatValue(b)}: ${typeName(b)}`);
}

function equalOne(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (a !== null && b !== null) throw new FuncError(BAD_COMPARISON);
    return false;
  }
  if (k1 === 'complex')
    return (a as GoComplex).re === (b as GoComplex).re && (a as GoComplex).im === (b as GoComplex).im;
  if (k1 === 'invalid') return equalNonBasic(a, b);
  return a === b;
}

/** eq: arg1 == arg2 || arg1 == arg3 ... */
export function eq(arg1: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  return rest.some((b) => equalOne(arg1, b));
}

export function ne(a: GoValue, b: GoValue): boolean {
  return !eq(a, b);
}

export function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new FuncError(BAD_COMPARISON_TYPE);
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new FuncError(BAD_COMPARISON_TYPE);
  if (k1 !== k2) throw new FuncError(BAD_COMPARISON);
  if (k1 === 'bool' || k1 === 'complex') throw new FuncError(BAD_COMPARISON_TYPE);
  if (k1 === 'string') return compareGoStrings(a as string, b as string) < 0;
  return (a as number | bigint) < (b as number | bigint);
}

export function le(a: GoValue, b: GoValue): boolean {
  return lt(a, b) || eq(a, b);
}

export function gt(a: GoValue, b: GoValue): boolean {
  return !le(a, b);
}

export function ge(a: GoValue, b: GoValue): boolean {
  return !lt(a, b);
}
