/**
 * Helm's TOML functions: toToml with BurntSushi/toml's encoder layout (plain keys first, then
 * tables and arrays of tables, keys sorted, two-space indent per table level) and fromToml.
 */
import { GoStruct, formatValue, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { parse as parseToml, TomlDate, TomlError } from 'smol-toml';
import { isGoMap } from '../sprig/convert.js';
import { compareBytes } from '../sprig/lists.js';

class TomlEncodeError extends Error {}

const INDENT = '  ';

function quoteKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : quoteString(k);
}

function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function asMap(v: GoValue): GoMap | null {
  if (v instanceof GoStruct) return v.fields;
  return isGoMap(v) ? v : null;
}

function isTableArray(v: GoValue): v is GoValue[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => asMap(x) !== null);
}

function isTable(v: GoValue): boolean {
  return asMap(v) !== null || isTableArray(v);
}

function formatFloat(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // strconv.FormatFloat(f, 'f', -1, 64), then a ".0" when there is no decimal point.
  const text = Math.abs(n) < 1e21 ? fixedDecimal(n) : BigInt(n).toString();
  return text.includes('.') ? text : `${text}.0`;
}

function fixedDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

class Encoder {
  private out = '';
  private hasWritten = false;

  private write(s: string): void {
    this.out += s;
    this.hasWritten = true;
  }

  private newline(): void {
    if (this.hasWritten) this.write('\n');
  }

  encode(v: GoValue): string {
    const m = asMap(v);
    if (!m) throw new TomlEncodeError('toml: top-level values must be Go maps or structs');
    this.mapBody([], m);
    return this.out;
  }

  private indentStr(key: string[]): string {
    return INDENT.repeat(Math.max(key.length - 1, 0));
  }

  private mapBody(key: string[], m: GoMap): void {
    const keys = Object.keys(m).sort(compareBytes);
    const direct = keys.filter((k) => !isTable(m[k] ?? null));
    const sub = keys.filter((k) => isTable(m[k] ?? null));
    for (const k of [...direct, ...sub]) {
      const v = m[k] ?? null;
      if (v === null) continue;
      this.encodeKey([...key, k], v);
    }
  }

  private encodeKey(key: string[], v: GoValue): void {
    const m = asMap(v);
    if (m) return this.table(key, m);
    if (isTableArray(v)) return this.arrayOfTables(key, v);
    this.write(`${this.indentStr(key)}${quoteKey(key[key.length - 1] as string)} = `);
    this.element(v);
    this.newline();
  }

  private table(key: string[], m: GoMap): void {
    if (key.length === 1) this.newline();
    this.write(`${this.indentStr(key)}[${key.map(quoteKey).join('.')}]`);
    this.newline();
    this.mapBody(key, m);
  }

  private arrayOfTables(key: string[], items: GoValue[]): void {
    for (const item of items) {
      this.newline();
      this.write(`${this.indentStr(key)}[[${key.map(quoteKey).join('.')}]]`);
      this.newline();
      this.mapBody(key, asMap(item) as GoMap);
    }
  }

  private element(v: GoValue): void {
    if (v === null) throw new TomlEncodeError('toml: cannot encode a nil value');
    switch (typeof v) {
      case 'string':
        return this.write(quoteString(v));
      case 'bigint':
        return this.write(v.toString());
      case 'number':
        return this.write(formatFloat(v));
      case 'boolean':
        return this.write(String(v));
      default:
        break;
    }
    if (Array.isArray(v)) {
      this.write('[');
      v.forEach((x, i) => {
        this.element(x);
        if (i !== v.length - 1) this.write(', ');
      });
      return this.write(']');
    }
    const m = asMap(v);
    if (m) return this.inlineTable(m);
    throw new TomlEncodeError(`toml: unsupported type: ${formatValue(v)}`);
  }

  private inlineTable(m: GoMap): void {
    const keys = Object.keys(m)
      .sort(compareBytes)
      .filter((k) => m[k] !== null);
    this.write('{');
    keys.forEach((k, i) => {
      this.write(`${quoteKey(k)} = `);
      this.element(m[k] as GoValue);
      if (i !== keys.length - 1) this.write(', ');
    });
    this.write('}');
  }
}

/** Helm's toToml: the encoded document, or the encoder's error message. */
export function toToml(v: GoValue): string {
  try {
    return new Encoder().encode(v);
  } catch (e) {
    if (e instanceof TomlEncodeError) return e.message;
    throw e;
  }
}

function fromTomlValue(v: unknown): GoValue {
  if (typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (v instanceof TomlDate) return v.toISOString();
  if (Array.isArray(v)) return v.map(fromTomlValue);
  const out: GoMap = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = fromTomlValue(x);
  return out;
}

/** Helm's fromToml: integers are int64, floats float64; parse errors land in the "Error" key. */
export function fromToml(text: string): GoMap {
  try {
    return fromTomlValue(parseToml(text, { integersAsBigInt: true })) as GoMap;
  } catch (e) {
    if (e instanceof TomlError) return { Error: `toml: ${e.message.split('\n')[0] ?? ''}` };
    throw e;
  }
}
