/** Go's number literal rules (strconv.ParseInt/ParseUint/ParseFloat with base 0, parse.newNumber). */
import { ItemType } from './lexer.js';
import type { NumberValue } from './nodes.js';
import { unquoteChar } from './quote.js';
import { GoComplex, MAX_INT64, MIN_INT64 } from './values.js';

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
function underscoreOK(text: string): boolean {
  let s = text;
  if (s[0] === '-' || s[0] === '+') s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] as string)) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const INT_PREFIXES: [RegExp, number, RegExp][] = [
  [/^0[xX]/, 16, /^[0-9a-fA-F]+$/],
  [/^0[oO]/, 8, /^[0-7]+$/],
  [/^0[bB]/, 2, /^[01]+$/],
];

function parseUnsignedDigits(s: string): bigint | null {
  for (const [prefix, base, digits] of INT_PREFIXES) {
    if (prefix.test(s)) {
      const body = s.slice(2);
      return digits.test(body) ? BigInt(`0${'xob'[[16, 8, 2].indexOf(base)]}${body}`) : null;
    }
  }
  if (s.length > 1 && s[0] === '0') return /^[0-7]+$/.test(s.slice(1)) ? BigInt(`0o${s.slice(1)}`) : null;
  return /^[0-9]+$/.test(s) ? BigInt(s) : null;
}

/** Parses an integer literal with base prefixes; null when not an integer in range. */
export function parseGoInt(text: string, signed: boolean): bigint | null {
  if (text.includes('_') && !underscoreOK(text)) return null;
  let s = text.replaceAll('_', '');
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    if (!signed) return null;
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const abs = parseUnsignedDigits(s);
  if (abs === null) return null;
  const v = neg ? -abs : abs;
  if (signed ? v > MAX_INT64 || v < MIN_INT64 : v >= 1n << 64n) return null;
  return v;
}

/** Parses a float literal (decimal or hexadecimal with p exponent); null when invalid or out of range. */
export function parseGoFloat(text: string): number | null {
  if (text.includes('_') && !underscoreOK(text)) return null;
  let s = text.replaceAll('_', '');
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  let v: number;
  const hex = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(s);
  if (hex) {
    const [, int = '', frac = '', exp = '0'] = hex;
    if (int === '' && frac === '') return null;
    v = parseInt(`${int}${frac}` || '0', 16) * Math.pow(2, Number(exp) - 4 * frac.length);
  } else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    v = Number(s);
  } else {
    return null;
  }
  return Number.isFinite(v) ? sign * v : null;
}

function emptyNumber(): NumberValue {
  return {
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: null,
  };
}

function charNumber(text: string): NumberValue {
  const [ch, next] = unquoteChar(text, 1, "'");
  if (text.slice(next) !== "'") throw new Error(`malformed character constant: ${text}`);
  const cp = BigInt(ch.codePointAt(0) ?? 0);
  return {
    ...emptyNumber(),
    isInt: true,
    isUint: true,
    isFloat: true,
    int64: cp,
    uint64: cp,
    float64: Number(cp),
  };
}

function complexNumber(text: string): NumberValue {
  const m = /^([+-]?[^+-]+(?:[eEpP][+-]\d+)?)([+-].+)i$/.exec(text);
  const re = m ? parseGoFloat(m[1] as string) : null;
  const im = m ? parseGoFloat(m[2] as string) : null;
  if (re === null || im === null) throw new Error(`expected integer`);
  return simplifyComplex({ ...emptyNumber(), isComplex: true, complex: new GoComplex(re, im) });
}

/** Go's simplifyComplex: a complex with zero imaginary part is also a float (and maybe an int). */
function simplifyComplex(n: NumberValue): NumberValue {
  const c = n.complex as GoComplex;
  if (c.im !== 0) return n;
  const out = { ...n, isFloat: true, float64: c.re };
  if (Number.isInteger(c.re) && Math.abs(c.re) < 2 ** 63) {
    out.isInt = true;
    out.int64 = BigInt(c.re);
  }
  if (Number.isInteger(c.re) && c.re >= 0 && c.re < 2 ** 64) {
    out.isUint = true;
    out.uint64 = BigInt(c.re);
  }
  return out;
}

function promoteFloat(n: NumberValue, text: string): void {
  const f = parseGoFloat(text);
  if (f === null) return;
  // Looks like an integer but did not parse as one: too large for 64 bits.
  if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
  n.isFloat = true;
  n.float64 = f;
  if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
    n.isInt = true;
    n.int64 = BigInt(f);
  }
  if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
    n.isUint = true;
    n.uint64 = BigInt(f);
  }
}

/** parse.newNumber: every interpretation (int, uint, float, complex) the literal admits. */
export function parseNumberLiteral(text: string, type: ItemType): NumberValue {
  if (type === ItemType.CharConstant) return charNumber(text);
  if (type === ItemType.Complex) return complexNumber(text);
  if (text.endsWith('i')) {
    const f = parseGoFloat(text.slice(0, -1));
    if (f !== null)
      return simplifyComplex({ ...emptyNumber(), isComplex: true, complex: new GoComplex(0, f) });
  }
  const n = emptyNumber();
  const u = parseGoInt(text, false);
  if (u !== null) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseGoInt(text, true);
  if (i !== null) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) n.isUint = true;
  }
  if (n.isInt || n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.isInt ? n.int64 : n.uint64);
  } else {
    promoteFloat(n, text);
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  return n;
}
