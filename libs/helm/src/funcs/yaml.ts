/**
 * Helm's YAML functions: toYaml / mustToYaml (sigs.k8s.io/yaml: encoding/json, then go-yaml v2),
 * toYamlPretty (go-yaml v3, indent 2), fromYaml / fromYamlArray (sigs.k8s.io/yaml.Unmarshal:
 * YAML 1.1 through JSON, so every number becomes float64).
 */
import {
  FuncError,
  GoComplex,
  GoFunc,
  GoStruct,
  formatValue,
  type GoMap,
  type GoValue,
} from '@flotilla/gotemplate';
import { parseAllDocuments, type ParseOptions, type DocumentOptions, type SchemaOptions } from 'yaml';
import { emitYaml, type YamlNode } from './yaml-emit.js';

/** Thrown when a value has no YAML/JSON form (funcs, complex numbers, NaN); toYaml then prints "". */
export class YamlEncodeError extends FuncError {
  override name = 'YamlEncodeError';
}

function isLetter(c: string): boolean {
  return /^\p{L}$/u.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && /^\p{Nd}$/u.test(c);
}

function digitRun(r: string[], from: number, start: bigint): [bigint, number] {
  let n = start;
  let i = from;
  for (; i < r.length && isDigit(r[i]); i++) n = n * 10n + BigInt((r[i] as string).charCodeAt(0) - 48);
  return [n, i];
}

/** go-yaml's keyList.Less for string keys: letters after other runes, digit runs compared as numbers. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] as string;
    const bc = br[i] as string;
    if (ac === bc) continue;
    const al = isLetter(ac);
    const bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return bl;
    let start = 0n;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          start = 1n;
          break;
        }
      }
    }
    const [an, ai] = digitRun(ar, i, start);
    const [bn, bi] = digitRun(br, i, start);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

export function sortYamlKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** A float64 after encoding/json and go-yaml v2's re-read: integral values come back as ints. */
function jsonFloatScalar(n: number): string {
  if (!Number.isFinite(n)) throw new YamlEncodeError(`json: unsupported value: ${formatValue(n)}`);
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const i = BigInt(n);
    if (i >= -INT64_MAX - 1n && i <= UINT64_MAX) return i.toString();
  }
  return formatValue(n);
}

function v3FloatScalar(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  return formatValue(n);
}

function scalar(text: string, quotable = false): YamlNode {
  return { kind: 'scalar', text, quotable };
}

function structFields(v: GoStruct): GoMap {
  return { ...v.fields };
}

/** Go value → YAML node; `v3` encodes floats directly, v2 as they come back from JSON. */
export function toYamlNode(v: GoValue, v3: boolean, depth = 0): YamlNode {
  if (depth > 10000) throw new YamlEncodeError('json: exceeded max depth');
  if (v === null) return scalar('null');
  switch (typeof v) {
    case 'boolean':
      return scalar(String(v));
    case 'bigint':
      return scalar(v.toString());
    case 'number':
      return scalar(v3 ? v3FloatScalar(v) : jsonFloatScalar(v));
    case 'string':
      return scalar(v, true);
    default:
      break;
  }
  if (v instanceof GoFunc || v instanceof GoComplex)
    throw new YamlEncodeError(`json: unsupported type: ${v instanceof GoFunc ? 'func' : 'complex128'}`);
  if (Array.isArray(v)) return { kind: 'seq', items: v.map((x) => toYamlNode(x, v3, depth + 1)) };
  const m = v instanceof GoStruct ? structFields(v) : v;
  return {
    kind: 'map',
    entries: sortYamlKeys(Object.keys(m)).map((k) => [k, toYamlNode(m[k] ?? null, v3, depth + 1)]),
  };
}

/** sigs.k8s.io/yaml.Marshal: the document text, with its final newline. */
export function marshalYaml(v: GoValue): string {
  return emitYaml(toYamlNode(v, false), { v3: false });
}

/** go-yaml v3 Encoder with SetIndent(2). */
export function marshalYamlV3(v: GoValue): string {
  return emitYaml(toYamlNode(v, true), { v3: true });
}

/** Helm's toYaml: errors are swallowed into "". */
export function toYaml(v: GoValue): string {
  try {
    return marshalYaml(v).replace(/\n$/, '');
  } catch (e) {
    if (e instanceof YamlEncodeError) return '';
    throw e;
  }
}

export function mustToYaml(v: GoValue): string {
  return marshalYaml(v).replace(/\n$/, '');
}

export function toYamlPretty(v: GoValue): string {
  try {
    return marshalYamlV3(v).replace(/\n$/, '');
  } catch (e) {
    if (e instanceof YamlEncodeError) return '';
    throw e;
  }
}

// --- decoding ---

const YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: false,
  intAsBigInt: false,
  // go-yaml v2 keeps timestamps as strings for interface{} targets and has no sexagesimal numbers.
  customTags: (tags) =>
    tags.filter((t) => {
      const tag = t as { tag?: string; format?: string };
      return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
    }),
};

/** A YAML failure worded like sigs.k8s.io/yaml's: "error converting YAML to JSON: yaml: line N: …". */
export class YamlDecodeError extends Error {
  override name = 'YamlDecodeError';
}

const JS_TO_GO_KIND: Record<string, string> = {
  object: 'object',
  array: 'array',
  string: 'string',
  number: 'number',
  boolean: 'bool',
};

/** Plain JS from the yaml package → Go values as encoding/json would decode them into interface{}. */
function jsonValue(v: unknown, depth = 0): GoValue {
  if (depth > 10000) throw new YamlDecodeError('error converting YAML to JSON: exceeded max depth');
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return jsonNumber(v);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map((x) => jsonValue(x, depth + 1));
  const entries = v instanceof Map ? [...(v as Map<unknown, unknown>)] : Object.entries(v as object);
  const out: GoMap = {};
  for (const [k, x] of entries) out[String(k)] = jsonValue(x, depth + 1);
  return out;
}

function jsonNumber(v: number): GoValue {
  if (!Number.isFinite(v))
    throw new YamlDecodeError(`error converting YAML to JSON: json: unsupported value: ${formatValue(v)}`);
  return v;
}

function jsKind(v: GoValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return JS_TO_GO_KIND[typeof v] ?? 'object';
}

const DECODE_CACHE_ENTRIES = 1024;
const MAX_CACHED_TEXT = 256 * 1024;
const decoded = new Map<string, GoValue | YamlDecodeError>();

/** A deep copy of decoded values, so callers may modify what they get (templates do, with set/merge). */
function copyDecoded(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(copyDecoded);
  if (typeof v === 'object' && v !== null) {
    const out: GoMap = {};
    for (const [k, x] of Object.entries(v as GoMap)) out[k] = copyDecoded(x);
    return out;
  }
  return v;
}

/**
 * sigs.k8s.io/yaml.Unmarshal into interface{} (a nil document is nil). Throws YamlDecodeError.
 * Charts decode the same texts on every render (fromYaml of included templates), so recent
 * results are kept and handed out as copies.
 */
export function parseYamlToJson(text: string): GoValue {
  const hit = decoded.get(text);
  if (hit !== undefined) {
    if (hit instanceof YamlDecodeError) throw new YamlDecodeError(hit.message);
    return copyDecoded(hit);
  }
  let result: GoValue | YamlDecodeError;
  try {
    result = decodeYaml(text);
  } catch (e) {
    if (!(e instanceof YamlDecodeError)) throw e;
    result = e;
  }
  if (text.length <= MAX_CACHED_TEXT) {
    decoded.set(text, result);
    if (decoded.size > DECODE_CACHE_ENTRIES) decoded.delete(decoded.keys().next().value as string);
  }
  if (result instanceof YamlDecodeError) throw result;
  return copyDecoded(result);
}

/** go-yaml decodes the first document only; later documents are not even parsed. */
function decodeYaml(text: string): GoValue {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return null;
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0].line ?? 1;
    const message = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? err.message;
    throw new YamlDecodeError(`error converting YAML to JSON: yaml: line ${line}: ${message}`);
  }
  if (doc.contents === null) return null;
  try {
    return jsonValue(doc.toJS({ maxAliasCount: 10000 }));
  } catch (e) {
    // The yaml package's guard against alias bombs ("billion laughs"), worded as go-yaml's.
    if (e instanceof ReferenceError)
      throw new YamlDecodeError('error converting YAML to JSON: yaml: document contains excessive aliasing');
    throw e;
  }
}

function unmarshalInto(text: string, want: 'object' | 'array'): GoValue {
  const v = parseYamlToJson(text);
  if (v === null) return want === 'object' ? {} : [];
  const kind = jsKind(v);
  if (kind !== want) {
    const goType = want === 'object' ? 'map[string]interface {}' : '[]interface {}';
    throw new YamlDecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${goType}`,
    );
  }
  return v;
}

/** Helm's fromYaml: a map, or {"Error": message} when the text is not a YAML mapping. */
export function fromYaml(text: string): GoMap {
  try {
    return unmarshalInto(text, 'object') as GoMap;
  } catch (e) {
    if (e instanceof YamlDecodeError) return { Error: e.message };
    throw e;
  }
}

/** Helm's fromYamlArray: a list, or a one-element list holding the error message. */
export function fromYamlArray(text: string): GoValue[] {
  try {
    return unmarshalInto(text, 'array') as GoValue[];
  } catch (e) {
    if (e instanceof YamlDecodeError) return [e.message];
    throw e;
  }
}
