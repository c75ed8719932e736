/** Sprig's defaults.go: default, empty, coalesce, all, any, ternary, JSON helpers and fail. */
import { FuncError, isTrue, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';
import { decodeJson, encodeJson } from './json.js';

function fromJsonStrict(text: string): GoValue {
  try {
    return decodeJson(text);
  } catch (e) {
    throw new FuncError((e as Error).message);
  }
}

function fromJsonLenient(text: string): GoValue {
  try {
    return decodeJson(text);
  } catch {
    return null;
  }
}

function jsonFunctions(): FuncMap {
  const compact = { escapeHTML: true, indent: '' };
  const pretty = { escapeHTML: true, indent: '  ' };
  const raw = { escapeHTML: false, indent: '' };
  const lenient = (f: () => string): string => {
    try {
      return f();
    } catch {
      return '';
    }
  };
  return {
    fromJson: def('fromJson', ['string'], (s) => fromJsonLenient(s as string)),
    mustFromJson: def('mustFromJson', ['string'], (s) => fromJsonStrict(s as string)),
    toJson: def('toJson', ['any'], (v) => lenient(() => encodeJson(v, compact))),
    mustToJson: def('mustToJson', ['any'], (v) => encodeJson(v, compact)),
    toPrettyJson: def('toPrettyJson', ['any'], (v) => lenient(() => encodeJson(v, pretty))),
    mustToPrettyJson: def('mustToPrettyJson', ['any'], (v) => encodeJson(v, pretty)),
    toRawJson: def('toRawJson', ['any'], (v) => lenient(() => encodeJson(v, raw))),
    mustToRawJson: def('mustToRawJson', ['any'], (v) => encodeJson(v, raw)),
  };
}

export function defaultFunctions(): FuncMap {
  return {
    default: def(
      'default',
      ['any'],
      (d, ...given) => (given.length === 0 || !isTrue(given[0] as GoValue) ? d : (given[0] as GoValue)),
      'any',
    ),
    empty: def('empty', ['any'], (v) => !isTrue(v)),
    coalesce: def('coalesce', [], (...v) => v.find(isTrue) ?? null, 'any'),
    all: def('all', [], (...v) => v.every(isTrue), 'any'),
    any: def('any', [], (...v) => v.some(isTrue), 'any'),
    ternary: def('ternary', ['any', 'any', 'bool'], (t, f, cond) => (cond ? t : f)),
    fail: def('fail', ['string'], (msg) => {
      throw new FuncError(msg as string);
    }),
    ...jsonFunctions(),
  };
}
