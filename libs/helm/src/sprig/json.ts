/** Go's encoding/json for template values: what toJson/toPrettyJson/toRawJson print and fromJson reads. */
import { FuncError, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { isGoMap } from './convert.js';
import { compareBytes } from './lists.js';

export interface JsonOptions {
  /** encoding/json escapes <, > and & unless SetEscapeHTML(false) (toRawJson). */
  escapeHTML: boolean;
  /** MarshalIndent's indent; empty for compact output. */
  indent: string;
}

function encodeString(s: string, escapeHTML: boolean): string {
  let out = JSON.stringify(s).replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
  if (escapeHTML) out = out.replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');
  return out;
}

function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new FuncError(`json: unsupported value: ${formatNonFinite(n)}`);
  // JavaScript's shortest form switches to exponents at the same bounds (1e21, 1e-6) as encoding/json.
  return String(n);
}

function formatNonFinite(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  return n > 0 ? '+Inf' : '-Inf';
}

function encodeContainer(
  items: string[],
  open: string,
  close: string,
  opts: JsonOptions,
  depth: number,
): string {
  if (items.length === 0) return open + close;
  if (opts.indent === '') return open + items.join(',') + close;
  const inner = `\n${opts.indent.repeat(depth + 1)}`;
  return `${open}${inner}${items.join(`,${inner}`)}\n${opts.indent.repeat(depth)}${close}`;
}

export function encodeJson(v: GoValue, opts: JsonOptions, depth = 0): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return encodeNumber(v);
    case 'string':
      return encodeString(v, opts.escapeHTML);
    default:
      break;
  }
  const sep = opts.indent === '' ? ':' : ': ';
  if (Array.isArray(v))
    return encodeContainer(
      v.map((x) => encodeJson(x, opts, depth + 1)),
      '[',
      ']',
      opts,
      depth,
    );
  if (isGoMap(v)) {
    const m: GoMap = v;
    const items = Object.keys(m)
      .sort(compareBytes)
      .map((k) => encodeString(k, opts.escapeHTML) + sep + encodeJson(m[k] as GoValue, opts, depth + 1));
    return encodeContainer(items, '{', '}', opts, depth);
  }
  throw new FuncError(`json: unsupported type: ${v.constructor.name}`);
}

/** json.Unmarshal into interface{}: every number becomes float64. */
export function decodeJson(text: string): GoValue {
  return JSON.parse(text) as GoValue;
}
