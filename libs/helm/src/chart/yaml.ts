/**
 * Values files as Helm reads them (sigs.k8s.io/yaml.Unmarshal into map[string]interface{}): the
 * decoding is the one `fromYaml` uses, so every number is a float64.
 */
import { parseAllDocuments } from 'yaml';
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { parseYamlToJson, YamlDecodeError } from '../funcs/yaml.js';

/** yaml.Unmarshal reads the first document of a stream and ignores the rest. */
function firstDocument(text: string): GoValue {
  try {
    return parseYamlToJson(text);
  } catch (error) {
    if (!(error instanceof YamlDecodeError) || !error.message.includes('multiple documents')) throw error;
    const first = parseAllDocuments(text)[0];
    return first === undefined ? null : parseYamlToJson(text.slice(0, first.range[2]));
  }
}

/** Parses a values file: a mapping, or empty (nil). */
export function parseYamlMap(text: string): GoMap {
  const value = firstDocument(text);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value;
    throw new YamlDecodeError(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
    );
  }
  return value as GoMap;
}
