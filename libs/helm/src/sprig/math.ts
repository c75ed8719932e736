/** Sprig's numeric.go: int64 arithmetic through cast, float arithmetic through decimal. */
import { FuncError, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def, sprintValue, toFloat64, toInt64 } from './convert.js';
import { Decimal } from './decimal.js';

const i64 = (n: bigint): bigint => BigInt.asIntN(64, n);

function intDivide(a: GoValue, b: GoValue, op: (x: bigint, y: bigint) => bigint): bigint {
  const y = toInt64(b);
  if (y === 0n) throw new FuncError('runtime error: integer divide by zero');
  return i64(op(toInt64(a), y));
}

function decimalFold(first: GoValue, rest: GoValue[], op: (a: Decimal, b: Decimal) => Decimal): number {
  let acc = Decimal.fromFloat(toFloat64(first));
  for (const v of rest) acc = op(acc, Decimal.fromFloat(toFloat64(v)));
  return acc.toFloat();
}

/** Sprig's round: rounds up once the fraction reaches roundOn (0.5 by default). */
export function round(value: number, places: number, roundOn = 0.5): number {
  const pow = 10 ** places;
  const digit = pow * value;
  const fraction = digit - Math.trunc(digit);
  return (fraction >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

/** toDecimal: the value's text read as an octal number, 0 when it is not one. */
function octalToDecimal(v: GoValue): bigint {
  const text = sprintValue(v);
  if (!/^[+-]?[0-7]+$/.test(text)) return 0n;
  const n = BigInt(text.replace(/^([+-]?)/, '$10o'));
  return i64(n) === n ? n : 0n;
}

/** strconv.Atoi, with Sprig's 0 on failure. */
function atoi(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text)) return 0n;
  const n = BigInt(text);
  return i64(n) === n ? n : 0n;
}

function extremes(): FuncMap {
  const maxInt = (a: GoValue, ...rest: GoValue[]): bigint =>
    rest.map(toInt64).reduce((m, x) => (x > m ? x : m), toInt64(a));
  const minInt = (a: GoValue, ...rest: GoValue[]): bigint =>
    rest.map(toInt64).reduce((m, x) => (x < m ? x : m), toInt64(a));
  return {
    max: def('max', ['any'], maxInt, 'any'),
    biggest: def('biggest', ['any'], maxInt, 'any'),
    min: def('min', ['any'], minInt, 'any'),
    maxf: def('maxf', ['any'], (a, ...rest) => Math.max(toFloat64(a), ...rest.map(toFloat64)), 'any'),
    minf: def('minf', ['any'], (a, ...rest) => Math.min(toFloat64(a), ...rest.map(toFloat64)), 'any'),
  };
}

export function mathFunctions(): FuncMap {
  return {
    add1: def('add1', ['any'], (a) => i64(toInt64(a) + 1n)),
    add: def('add', [], (...v) => i64(v.map(toInt64).reduce((s, x) => s + x, 0n)), 'any'),
    sub: def('sub', ['any', 'any'], (a, b) => i64(toInt64(a) - toInt64(b))),
    div: def('div', ['any', 'any'], (a, b) => intDivide(a, b, (x, y) => x / y)),
    mod: def('mod', ['any', 'any'], (a, b) => intDivide(a, b, (x, y) => x % y)),
    mul: def('mul', ['any'], (a, ...v) => i64(v.map(toInt64).reduce((p, x) => p * x, toInt64(a))), 'any'),
    add1f: def('add1f', ['any'], (a) => decimalFold(a, [1n], (x, y) => x.add(y))),
    addf: def('addf', [], (...v) => decimalFold(0n, v, (x, y) => x.add(y)), 'any'),
    subf: def('subf', ['any'], (a, ...v) => decimalFold(a, v, (x, y) => x.sub(y)), 'any'),
    mulf: def('mulf', ['any'], (a, ...v) => decimalFold(a, v, (x, y) => x.mul(y)), 'any'),
    divf: def('divf', ['any'], (a, ...v) => decimalFold(a, v, (x, y) => x.div(y)), 'any'),
    ...extremes(),
    floor: def('floor', ['any'], (a) => Math.floor(toFloat64(a))),
    ceil: def('ceil', ['any'], (a) => Math.ceil(toFloat64(a))),
    round: def(
      'round',
      ['any', 'int'],
      (a, p, ...on) => round(toFloat64(a), Number(p), on[0] as number | undefined),
      'float64',
    ),
    int: def('int', ['any'], (a) => toInt64(a)),
    int64: def('int64', ['any'], (a) => toInt64(a)),
    float64: def('float64', ['any'], (a) => toFloat64(a)),
    atoi: def('atoi', ['string'], (s) => atoi(s as string)),
    toDecimal: def('toDecimal', ['any'], (v) => octalToDecimal(v)),
  };
}
