/** Helm's template function map (pkg/engine/funcs.go): Sprig without env/expandenv, plus Helm's own. */
import { type FuncMap, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def } from '../sprig/convert.js';
import { sprigFunctions } from '../sprig/index.js';
import { fromJson, fromJsonArray, marshalJson, toJson } from './json.js';
import { fromToml, toToml } from './toml.js';
import { fromYaml, fromYamlArray, mustToYaml, toYaml, toYamlPretty } from './yaml.js';

/** Helm's `lookup`: apiVersion, kind, namespace, name → the object (or a list), `{}` when absent. */
export type LookupFn = (apiVersion: string, kind: string, namespace: string, name: string) => GoMap;

export interface HelmFunctionOptions {
  /** Kubernetes-backed lookup; without it `lookup` returns an empty map, as Helm does offline. */
  lookup?: LookupFn;
}

function mustToJson(v: GoValue): string {
  return marshalJson(v);
}

/** The function map Helm's engine starts from, outside a chart (no include/tpl). */
export function helmFunctions(options: HelmFunctionOptions = {}): FuncMap {
  const funcs: FuncMap = { ...sprigFunctions() };
  delete funcs['env'];
  delete funcs['expandenv'];
  const str = (v: GoValue): string => v as string;
  const lookup = options.lookup;
  return {
    ...funcs,
    toToml: def('toToml', ['any'], (v) => toToml(v)),
    fromToml: def('fromToml', ['string'], (s) => fromToml(str(s))),
    toYaml: def('toYaml', ['any'], (v) => toYaml(v)),
    mustToYaml: def('mustToYaml', ['any'], (v) => mustToYaml(v)),
    toYamlPretty: def('toYamlPretty', ['any'], (v) => toYamlPretty(v)),
    fromYaml: def('fromYaml', ['string'], (s) => fromYaml(str(s))),
    fromYamlArray: def('fromYamlArray', ['string'], (s) => fromYamlArray(str(s))),
    toJson: def('toJson', ['any'], (v) => toJson(v)),
    mustToJson: def('mustToJson', ['any'], (v) => mustToJson(v)),
    fromJson: def('fromJson', ['string'], (s) => fromJson(str(s))),
    fromJsonArray: def('fromJsonArray', ['string'], (s) => fromJsonArray(str(s))),
    lookup: def('lookup', ['string', 'string', 'string', 'string'], (a, k, ns, n) =>
      lookup ? lookup(str(a), str(k), str(ns), str(n)) : {},
    ),
    // Helm disables DNS lookups unless --enable-dns is given.
    getHostByName: def('getHostByName', ['string'], () => ''),
  };
}
