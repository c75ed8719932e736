/**
 * Helm's values.Options.MergeValues: `-f` files merged in order (maps deep, anything else
 * replaced), then `--set`, `--set-string` and `--set-file` parsed into the result.
 */
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { wrapError } from '../chart/errors.js';
import { parseYamlMap } from '../chart/yaml.js';
import { parseSet, parseSetFile, parseSetString } from './strvals.js';

export interface ValuesOptions {
  /** `-f` files (paths as given, read with `readFile`). */
  valueFiles?: readonly string[];
  set?: readonly string[];
  setString?: readonly string[];
  setFile?: readonly string[];
}

/** Reads a file given on the command line; errors carry Go's `open <path>: ...` wording. */
export type ReadFile = (path: string) => Uint8Array;

function isMap(v: GoValue | undefined): v is GoMap {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** mergeMaps of pkg/cli/values: b wins, nested maps merge. */
export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out: GoMap = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const existing = out[k];
    out[k] = isMap(v) && isMap(existing) ? mergeMaps(existing, v) : v;
  }
  return out;
}

const decoder = new TextDecoder();

export function mergeValueOptions(opts: ValuesOptions, readFile: ReadFile): GoMap {
  let base: GoMap = {};
  for (const path of opts.valueFiles ?? []) {
    const data = readFile(path);
    let current: GoMap;
    try {
      current = parseYamlMap(decoder.decode(data));
    } catch (error) {
      throw wrapError(`failed to parse ${path}`, error);
    }
    base = mergeMaps(base, current);
  }
  for (const value of opts.set ?? []) {
    try {
      parseSet(value, base);
    } catch (error) {
      throw wrapError('failed parsing --set data', error);
    }
  }
  for (const value of opts.setString ?? []) {
    try {
      parseSetString(value, base);
    } catch (error) {
      throw wrapError('failed parsing --set-string data', error);
    }
  }
  for (const value of opts.setFile ?? []) {
    try {
      parseSetFile(value, base, (path) => decoder.decode(readFile(path)));
    } catch (error) {
      throw wrapError('failed parsing --set-file data', error);
    }
  }
  return base;
}
