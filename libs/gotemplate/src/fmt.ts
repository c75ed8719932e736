/** Go's fmt package for the Go value model: Sprint, Sprintln, Sprintf and the %v form. */
import { formatFloatAbs } from './floatfmt.js';
import { quoteGo, quoteRuneGo } from './quote.js';
import {
  type GoStruct,
  isMap,
  kindOf,
  sortedKeys,
  typeName,
  type GoComplex,
  type GoFunc,
  type GoValue,
} from './values.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  /** %+v: struct field names (the plus flag itself is cleared for %v, as in Go). */
  plusV: boolean;
  /** %#v: Go syntax. */
  sharpV: boolean;
  space: boolean;
  zero: boolean;
  width: number; // -1 = none
  prec: number; // -1 = none
}

const PLAIN: Spec = {
  minus: false,
  plus: false,
  sharp: false,
  plusV: false,
  sharpV: false,
  space: false,
  zero: false,
  width: -1,
  prec: -1,
};

/** Go's %v of a value (composites recurse with the same rules). */
export function formatValue(v: GoValue): string {
  return formatVerb(v, 'v', PLAIN);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: spaces between all operands, newline at the end. */
export function sprintln(args: GoValue[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

function pad(s: string, spec: Spec, zeroOk = true): string {
  if (spec.width < 0) return s;
  const len = [...s].length;
  if (len >= spec.width) return s;
  const fill = spec.width - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroOk) {
    const sign = /^[+\- ]/.test(s) ? (s[0] as string) : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function badVerb(v: GoValue, verb: string): string {
  if (v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

function signed(body: string, neg: boolean, spec: Spec): string {
  if (neg) return `-${body}`;
  if (spec.plus) return `+${body}`;
  if (spec.space) return ` ${body}`;
  return body;
}

const INT_BASES: Record<string, number> = { d: 10, v: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };

/** Integer verbs that print the value as a character. */
const RUNE_VERBS: Record<string, (n: bigint, spec: Spec) => string> = {
  c: (n) => String.fromCodePoint(Number(n)),
  q: (n) => quoteRuneGo(Number(n)),
  U: (n, spec) => formatUnicode(n, spec),
};

function formatInt(n: bigint, verb: string, spec: Spec): string {
  const rune = RUNE_VERBS[verb];
  if (rune) return pad(rune(n, spec), spec);
  const base = INT_BASES[verb];
  if (base === undefined) return badVerb(n, verb);
  return formatIntInBase(n, base, verb, spec);
}

function formatIntInBase(n: bigint, base: number, verb: string, spec: Spec): string {
  const neg = n < 0n;
  let digits = (neg ? -n : n).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  if (spec.prec >= 0) digits = spec.prec === 0 && n === 0n ? '' : digits.padStart(spec.prec, '0');
  else if (spec.zero && !spec.minus && spec.width > 0) {
    const signLen = neg || spec.plus || spec.space ? 1 : 0;
    digits = digits.padStart(spec.width - signLen - prefixFor(verb, spec).length, '0');
  }
  return pad(signed(prefixFor(verb, spec) + digits, neg, spec), spec, false);
}

function prefixFor(verb: string, spec: Spec): string {
  if (verb === 'O') return '0o';
  if (!spec.sharp) return '';
  return ({ b: '0b', o: '0', x: '0x', X: '0X' } as Record<string, string>)[verb] ?? '';
}

function formatUnicode(n: bigint, spec: Spec): string {
  const hex = n.toString(16).toUpperCase().padStart(4, '0');
  const s = `U+${hex}`;
  return spec.sharp ? `${s} '${String.fromCodePoint(Number(n))}'` : s;
}

/** Infinities and NaN: never zero-padded; NaN shows a sign only when asked for. */
function formatNonFinite(f: number, spec: Spec): string {
  const sign = spec.plus ? '+' : spec.space ? ' ' : '';
  if (Number.isNaN(f)) return pad(`${sign}NaN`, spec, false);
  return pad(f < 0 ? '-Inf' : `${sign || '+'}Inf`, spec, false);
}

function formatFloat(f: number, verb: string, spec: Spec): string {
  const fverb = verb === 'v' ? 'g' : verb;
  if (!'eEfFgG'.includes(fverb)) return badVerb(f, verb);
  if (!Number.isFinite(f)) return formatNonFinite(f, spec);
  const neg = f < 0 || Object.is(f, -0);
  // %e and %f default to 6 digits; %g and %v to the shortest exact representation.
  const prec = spec.prec >= 0 ? spec.prec : 'eEfF'.includes(fverb) ? 6 : -1;
  const body = formatFloatAbs(Math.abs(f), fverb, prec);
  const s = signed(body, neg, spec);
  if (spec.zero && !spec.minus) return pad(s, spec);
  return pad(s, spec, false);
}

const utf8 = new TextEncoder();

function formatString(s: string, verb: string, spec: Spec): string {
  const str = spec.prec >= 0 ? [...s].slice(0, spec.prec).join('') : s;
  switch (verb) {
    case 'v':
    case 's':
      return pad(str, spec);
    case 'q':
      return pad(spec.sharp && !/[`\p{Cc}]/u.test(str) ? `\`${str}\`` : quoteGo(str, spec.plus), spec);
    case 'x':
    case 'X':
      return pad(hexBytes(str, verb, spec), spec);
    default:
      return badVerb(s, verb);
  }
}

function hexBytes(s: string, verb: string, spec: Spec): string {
  const parts = [...utf8.encode(s)].map((b) => b.toString(16).padStart(2, '0'));
  const prefix = spec.sharp ? '0x' : '';
  let out = spec.space ? parts.map((p) => prefix + p).join(' ') : prefix + parts.join('');
  if (verb === 'X') out = out.toUpperCase();
  return out;
}

function formatComplex(c: GoComplex, verb: string, spec: Spec): string {
  const fverb = verb === 'v' ? 'g' : verb;
  if (!'eEfFgG'.includes(fverb)) return badVerb(c, verb);
  const inner = { ...spec, width: -1, plus: false };
  const re = formatFloat(c.re, fverb, inner);
  const im = formatFloat(c.im, fverb, { ...inner, plus: true });
  return pad(`(${re}${im}i)`, spec);
}

function formatComposite(v: GoValue[] | Record<string, GoValue>, verb: string, spec: Spec): string {
  if (Array.isArray(v)) return `[${v.map((e) => formatVerb(e, verb, spec)).join(' ')}]`;
  const entries = sortedKeys(v).map(
    (k) => `${formatVerb(k, verb, spec)}:${formatVerb(v[k] ?? null, verb, spec)}`,
  );
  return `map[${entries.join(' ')}]`;
}

function formatNilOrBool(v: boolean | null, verb: string, spec: Spec): string {
  if (v === null) return verb === 'v' ? pad('<nil>', spec) : badVerb(null, verb);
  return verb === 'v' || verb === 't' ? pad(String(v), spec) : badVerb(v, verb);
}

/** A struct with a niladic String method is a fmt.Stringer; otherwise {field1 field2}. */
function formatStruct(v: GoStruct, verb: string, spec: Spec): string {
  const stringer = v.methods['String'];
  if (
    stringer &&
    stringer.signature.params.length === 0 &&
    !stringer.signature.variadic &&
    (verb === 'v' || verb === 's')
  ) {
    return formatVerb(stringer.impl(), verb, spec);
  }
  const fields = Object.entries(v.fields).map(
    ([k, f]) => (spec.plusV ? `${k}:` : '') + formatVerb(f, verb, spec),
  );
  return `{${fields.join(' ')}}`;
}

/** Formats one operand for one verb with Go's rules, including %!verb(type=value) for mismatches. */
export function formatVerb(v: GoValue, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(typeName(v), spec);
  if (verb === 'v' && spec.sharpV) return pad(formatGoSyntax(v, true), spec);
  switch (kindOf(v)) {
    case 'nil':
    case 'bool':
      return formatNilOrBool(v as boolean | null, verb, spec);
    case 'int':
      return formatInt(v as bigint, verb, spec);
    case 'float64':
      return formatFloat(v as number, verb, spec);
    case 'string':
      return formatString(v as string, verb, spec);
    case 'complex128':
      return formatComplex(v as GoComplex, verb, spec);
    case 'struct':
      return formatStruct(v as GoStruct, verb, spec);
    case 'func':
      return verb === 'v' || verb === 'p' ? pad(`0x${funcAddress(v as GoFunc)}`, spec) : badVerb(v, verb);
    default:
      return formatComposite(isMap(v) ? v : (v as GoValue[]), verb, spec);
  }
}

/** %#v: the value as Go source syntax; `top` is false inside interface containers, where nil is typed. */
function formatGoSyntax(v: GoValue, top: boolean): string {
  switch (kindOf(v)) {
    case 'nil':
      return top ? '<nil>' : 'interface {}(nil)';
    case 'string':
      return quoteGo(v as string);
    case 'slice':
      return `[]interface {}{${(v as GoValue[]).map((e) => formatGoSyntax(e, false)).join(', ')}}`;
    case 'map': {
      const m = v as Record<string, GoValue>;
      const entries = sortedKeys(m).map((k) => `${quoteGo(k)}:${formatGoSyntax(m[k] ?? null, false)}`);
      return `map[string]interface {}{${entries.join(', ')}}`;
    }
    case 'struct': {
      const st = v as GoStruct;
      const fields = Object.entries(st.fields).map(([k, f]) => `${k}:${formatGoSyntax(f, false)}`);
      return `${st.typeName}{${fields.join(', ')}}`;
    }
    default:
      return formatValue(v);
  }
}

const funcIds = new WeakMap<GoFunc, number>();
let nextFuncId = 0x4a0000;
/** A stable pseudo-address per function value, as %v of a Go func prints a pointer. */
function funcAddress(f: GoFunc): string {
  let id = funcIds.get(f);
  if (id === undefined) {
    id = nextFuncId;
    nextFuncId += 0x20;
    funcIds.set(f, id);
  }
  return id.toString(16);
}

interface Cursor {
  format: string;
  i: number;
  args: GoValue[];
  argNum: number;
  out: string;
}

function parseFlags(c: Cursor, spec: Spec): void {
  for (; c.i < c.format.length; c.i++) {
    const ch = c.format[c.i];
    if (ch === '-') spec.minus = true;
    else if (ch === '+') spec.plus = true;
    else if (ch === '#') spec.sharp = true;
    else if (ch === ' ') spec.space = true;
    else if (ch === '0') spec.zero = !spec.minus;
    else return;
  }
}

/** Reads a number or `*` (taking the width/precision from the arguments). */
function parseNum(c: Cursor): number {
  if (c.format[c.i] === '*') {
    c.i++;
    const a = c.args[c.argNum++];
    if (typeof a === 'bigint') return Number(a);
    c.out += '%!(BADWIDTH)';
    return -1;
  }
  const m = /^\d+/.exec(c.format.slice(c.i));
  if (!m) return -1;
  c.i += m[0].length;
  return Number(m[0]);
}

function parseSpec(c: Cursor): Spec {
  const spec = { ...PLAIN };
  parseFlags(c, spec);
  spec.width = parseNum(c);
  if (spec.width < -1) {
    spec.minus = true;
    spec.width = -spec.width;
  }
  if (c.format[c.i] === '.') {
    c.i++;
    const p = parseNum(c);
    spec.prec = p < 0 ? 0 : p;
  }
  if (spec.minus) spec.zero = false;
  return spec;
}

/** fmt.Sprintf with Go's verbs, flags, width, precision and error notations. */
export function sprintf(format: string, args: GoValue[]): string {
  const c: Cursor = { format, i: 0, args, argNum: 0, out: '' };
  while (c.i < format.length) {
    const pct = format.indexOf('%', c.i);
    if (pct < 0) {
      c.out += format.slice(c.i);
      break;
    }
    c.out += format.slice(c.i, pct);
    c.i = pct + 1;
    const spec = parseSpec(c);
    if (c.i >= format.length) {
      c.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(c.i) as number);
    c.i += verb.length;
    if (verb === '%') {
      c.out += '%';
      continue;
    }
    if (c.argNum >= args.length) {
      c.out += `%!${verb}(MISSING)`;
      continue;
    }
    if (verb === 'v') {
      // For %v the flags select syntax instead: # is Go syntax, + adds struct field names.
      Object.assign(spec, { sharpV: spec.sharp, sharp: false, plusV: spec.plus, plus: false });
    }
    c.out += formatVerb(args[c.argNum++] as GoValue, verb, spec);
  }
  if (c.argNum < args.length) {
    const extra = args
      .slice(c.argNum)
      .map((a) => (a === null ? '<nil>' : `${typeName(a)}=${formatValue(a)}`));
    c.out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return c.out;
}
