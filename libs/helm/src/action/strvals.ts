/**
 * Helm's strvals parser (`--set`, `--set-string`, `--set-file`): `a.b=c,d[0]=e`, escapes with
 * `\`, `{x,y}` lists, nested indices, and the typed values of `--set` (int64 for integers, bools,
 * null; everything else a string — floats included).
 */
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { HelmError } from '../chart/errors.js';

/** Helm's MaxIndex and MaxNestedNameLevel. */
export const MAX_INDEX = 65536;
export const MAX_NESTED_NAME_LEVEL = 30;

const EOF = Symbol('EOF');
const NOT_LIST = Symbol('not a list');

type Reader = (runes: string) => GoValue;

class Scanner {
  private pos = 0;
  constructor(private readonly runes: string[]) {}

  read(): string | typeof EOF {
    return this.pos < this.runes.length ? (this.runes[this.pos++] as string) : EOF;
  }

  unread(): void {
    this.pos--;
  }
}

/** runesUntil: reads up to a stop rune, resolving `\` escapes; `last` is EOF at the end. */
function runesUntil(sc: Scanner, stop: string): { text: string; last: string | typeof EOF } {
  let text = '';
  for (;;) {
    const r = sc.read();
    if (r === EOF) return { text, last: EOF };
    if (stop.includes(r)) return { text, last: r };
    if (r === '\\') {
      const next = sc.read();
      if (next === EOF) return { text, last: EOF };
      text += next;
    } else text += r;
  }
}

/** typedVal: what a `--set` value becomes. */
export function typedVal(val: string, stringOnly: boolean): GoValue {
  if (stringOnly) return val;
  const lower = val.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (lower === 'null') return null;
  if (val === '0') return 0n;
  if (val.length > 0 && val[0] !== '0' && /^[+-]?\d+$/.test(val)) {
    const n = BigInt(val);
    if (n >= -(1n << 63n) && n < 1n << 63n) return n;
  }
  return val;
}

function isMapValue(v: GoValue | undefined): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

function goTypeName(v: GoValue | undefined): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

class Parser {
  constructor(
    private readonly sc: Scanner,
    private readonly data: GoMap,
    private readonly reader: Reader,
  ) {}

  parse(): void {
    for (;;) {
      if (this.key(this.data, 0) === EOF) return;
    }
  }

  /** Returns EOF at the end of input, undefined to continue; throws on errors. */
  private key(data: GoMap, level: number): typeof EOF | undefined {
    const { text: k, last } = runesUntil(this.sc, '=[,.');
    if (last === EOF) {
      if (k.length === 0) return EOF;
      throw new HelmError(`key "${k}" has no value`);
    }
    switch (last) {
      case '[':
        return this.keyList(data, k, level);
      case '=':
        return this.keyValue(data, k);
      case ',':
        set(data, k, '');
        throw new HelmError(`key "${k}" has no value (cannot end with ,)`);
      default:
        return this.keyMap(data, k, level);
    }
  }

  private keyList(data: GoMap, k: string, level: number): typeof EOF | undefined {
    const i = this.keyIndex();
    const existing = data[k];
    if (existing !== undefined && !Array.isArray(existing))
      throw new HelmError(
        `unable to parse key: interface conversion: interface {} is ${goTypeName(existing)}, not []interface {}`,
      );
    const { list, eof } = this.listItem(existing ?? [], i, level);
    set(data, k, list);
    return eof ? EOF : undefined;
  }

  private keyValue(data: GoMap, k: string): typeof EOF | undefined {
    const vl = this.valList();
    if (vl === EOF) {
      set(data, k, '');
      return EOF;
    }
    if (vl !== NOT_LIST) {
      set(data, k, vl);
      return undefined;
    }
    // Go returns no error here even at the end of input; the next key() sees the end.
    const { text } = runesUntil(this.sc, ',');
    set(data, k, this.reader(text));
    return undefined;
  }

  private keyMap(data: GoMap, k: string, level: number): typeof EOF | undefined {
    const next = level + 1;
    if (next > MAX_NESTED_NAME_LEVEL)
      throw new HelmError(
        `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`,
      );
    const existing = data[k];
    if (existing !== undefined && !isMapValue(existing))
      throw new HelmError(
        `unable to parse key: interface conversion: interface {} is ${goTypeName(existing)}, not map[string]interface {}`,
      );
    const inner: GoMap = existing ?? {};
    let result: typeof EOF | undefined;
    try {
      result = this.key(inner, next);
    } finally {
      if (Object.keys(inner).length !== 0) set(data, k, inner);
    }
    if (result === undefined && Object.keys(inner).length === 0)
      throw new HelmError(`key map "${k}" has no value`);
    return result;
  }

  private keyIndex(): number {
    const { text, last } = runesUntil(this.sc, ']');
    if (last === EOF) throw new HelmError('error parsing index: EOF');
    if (!/^[+-]?\d+$/.test(text))
      throw new HelmError(`error parsing index: strconv.Atoi: parsing "${text}": invalid syntax`);
    return Number(text);
  }

  private listItem(list: GoValue[], i: number, level: number): { list: GoValue[]; eof: boolean } {
    if (i < 0) throw new HelmError(`negative ${i} index not allowed`);
    const { text: k, last } = runesUntil(this.sc, '[.=');
    if (k.length > 0) throw new HelmError(`unexpected data at end of array index: "${k}"`);
    if (last === EOF) return { list, eof: true };
    if (last === '=') {
      const vl = this.valList();
      if (vl === EOF) return { list: setIndex(list, i, ''), eof: true };
      if (vl !== NOT_LIST) return { list: setIndex(list, i, vl), eof: false };
      const { text } = runesUntil(this.sc, ',');
      return { list: setIndex(list, i, this.reader(text)), eof: false };
    }
    if (last === '[') {
      const nextI = this.keyIndex();
      const existing = list.length > i ? list[i] : null;
      if (existing !== null && existing !== undefined && !Array.isArray(existing))
        throw new HelmError(
          `unable to parse key: interface conversion: interface {} is ${goTypeName(existing)}, not []interface {}`,
        );
      const inner = this.listItem(existing ?? [], nextI, level);
      return { list: setIndex(list, i, inner.list), eof: inner.eof };
    }
    let inner: GoMap = {};
    if (list.length > i) {
      const existing = list[i];
      if (isMapValue(existing)) inner = existing;
      else list[i] = inner;
    }
    const result = this.key(inner, level);
    return { list: setIndex(list, i, inner), eof: result === EOF };
  }

  /** `{a,b}` list value; NOT_LIST when the value does not start with `{`. */
  private valList(): GoValue[] | typeof EOF | typeof NOT_LIST {
    const first = this.sc.read();
    if (first === EOF) return EOF;
    if (first !== '{') {
      this.sc.unread();
      return NOT_LIST;
    }
    const list: GoValue[] = [];
    for (;;) {
      const { text, last } = runesUntil(this.sc, ',}');
      if (last === EOF) throw new HelmError("list must terminate with '}'");
      list.push(this.reader(text));
      if (last === '}') {
        const after = this.sc.read();
        if (after !== EOF && after !== ',') this.sc.unread();
        return list;
      }
    }
  }
}

function set(data: GoMap, key: string, value: GoValue): void {
  if (key.length === 0) return;
  data[key] = value;
}

function setIndex(list: GoValue[], index: number, value: GoValue): GoValue[] {
  if (index < 0) throw new HelmError(`negative ${index} index not allowed`);
  if (index > MAX_INDEX)
    throw new HelmError(`index of ${index} is greater than maximum supported index of ${MAX_INDEX}`);
  while (list.length <= index) list.push(null);
  list[index] = value;
  return list;
}

function parseInto(s: string, dest: GoMap, reader: Reader): void {
  new Parser(new Scanner([...s]), dest, reader).parse();
}

/** strvals.ParseInto: `--set` with typed values. */
export function parseSet(s: string, dest: GoMap): void {
  parseInto(s, dest, (v) => typedVal(v, false));
}

/** strvals.ParseIntoString: `--set-string`. */
export function parseSetString(s: string, dest: GoMap): void {
  parseInto(s, dest, (v) => typedVal(v, true));
}

/** strvals.ParseIntoFile: `--set-file key=path`, the value being the file's contents. */
export function parseSetFile(s: string, dest: GoMap, readFile: (path: string) => string): void {
  parseInto(s, dest, (path) => readFile(path));
}

/** strvals.Parse: a fresh map from one `--set` expression. */
export function parseSetExpression(s: string): GoMap {
  const out: GoMap = {};
  parseSet(s, out);
  return out;
}
