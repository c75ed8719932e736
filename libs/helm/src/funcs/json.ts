/** Helm's JSON functions: toJson / mustToJson (encoding/json) and fromJson / fromJsonArray. */
import { FuncError, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { encodeJson } from '../sprig/json.js';

/** encoding/json.Marshal with HTML escaping, as Helm's toJson. */
export function marshalJson(v: GoValue): string {
  return encodeJson(v, { escapeHTML: true, indent: '' });
}

/** Helm's toJson: errors are swallowed into "". */
export function toJson(v: GoValue): string {
  try {
    return marshalJson(v);
  } catch (e) {
    if (e instanceof FuncError) return '';
    throw e;
  }
}

/** V8's JSON.parse failure reworded as encoding/json's (end of input, or the offending character). */
function goSyntaxError(e: Error, text: string): string {
  const pos = /position (\d+)/.exec(e.message);
  const token = /Unexpected token '(.)'/.exec(e.message)?.[1];
  const at = pos ? Number(pos[1]) : token === undefined ? text.length : -1;
  if (at >= text.trimEnd().length || /end of JSON input|Unterminated/.test(e.message))
    return 'unexpected end of JSON input';
  const ch = token ?? (text[at] as string);
  return `invalid character ${JSON.stringify(ch).replace(/^"|"$/g, "'")} looking for beginning of value`;
}

class JsonDecodeError extends Error {}

function unmarshal(text: string, want: 'object' | 'array'): GoValue {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JsonDecodeError(goSyntaxError(e as Error, text));
  }
  if (v === null) return want === 'object' ? {} : [];
  const kind = Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
  if (kind !== want) {
    const goType = want === 'object' ? 'map[string]interface {}' : '[]interface {}';
    throw new JsonDecodeError(`json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return v as GoValue;
}

/** Helm's fromJson: a map, or {"Error": message}. */
export function fromJson(text: string): GoMap {
  try {
    return unmarshal(text, 'object') as GoMap;
  } catch (e) {
    if (e instanceof JsonDecodeError) return { Error: e.message };
    throw e;
  }
}

/** Helm's fromJsonArray: a list, or a one-element list holding the error message. */
export function fromJsonArray(text: string): GoValue[] {
  try {
    return unmarshal(text, 'array') as GoValue[];
  } catch (e) {
    if (e instanceof JsonDecodeError) return [e.message];
    throw e;
  }
}
