// Custom resources against their CRD version schema (kube-api.md §7): pruning of unknown fields,
// defaulting, structural validation with field paths, and the per-version view objects are served as.
import {
  applyDefaults,
  pruneStructural,
  validateStructural,
  type FieldError,
  type JSONSchemaProps,
} from '@flotilla/api';
import type { FieldProblem } from './errors.js';
import { isObject, type JsonObject, type KubeObject } from './json.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';

export interface SchemaOutcome {
  object: KubeObject;
  /** Dotted paths of pruned fields (unknown to the schema). */
  pruned: string[];
}

function prunedPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg),
    '',
  );
}

/** Drops unknown fields and applies defaults, as on every write and read. */
export function pruneAndDefault(obj: KubeObject, schema: JsonObject | undefined): SchemaOutcome {
  if (!schema) return { object: obj, pruned: [] };
  const props = schema as JSONSchemaProps;
  // Nulls in non-nullable fields go first, then defaults fill, then pruning drops what the schema lacks.
  const defaulted = applyDefaults(obj, props);
  const { value, pruned } = pruneStructural(defaulted, props);
  return { object: value, pruned: pruned.map((p) => prunedPath(p.path)) };
}

function toProblem(error: FieldError): FieldProblem {
  const prefix = `${error.field}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { reason: error.type, field: error.field, message };
}

/** 422 causes from the schema; metadata is checked only for what the schema may constrain. */
export function validateCustomResource(obj: KubeObject, schema: JsonObject | undefined): FieldProblem[] {
  if (!schema) return [];
  const props = schema as JSONSchemaProps;
  const subject: JsonObject = { ...obj };
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  if (props.properties?.metadata) {
    const constrained: JsonObject = {};
    for (const key of ['name', 'generateName'])
      if (metadata[key] !== undefined) constrained[key] = metadata[key];
    subject.metadata = constrained;
  } else delete subject.metadata;
  return validateStructural(subject, props).map(toProblem);
}

const viewCache = new WeakMap<ResourceType, WeakMap<KubeObject, KubeObject>>();

/**
 * A stored custom resource as served at `type`'s version: apiVersion rewritten (conversion None),
 * defaults of that version applied and unknown fields pruned. Cached per stored object.
 */
export function customResourceView(obj: KubeObject, type: ResourceType): KubeObject {
  let cache = viewCache.get(type);
  if (!cache) {
    cache = new WeakMap();
    viewCache.set(type, cache);
  }
  const cached = cache.get(obj);
  if (cached) return cached;
  const apiVersion = groupVersionOf(type);
  let view: KubeObject = obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  const schema = type.custom?.schema;
  if (schema && (type.version !== type.storageVersion || hasDefaults(schema))) {
    view = pruneAndDefault(view, schema).object;
  }
  cache.set(obj, view);
  return view;
}

const defaultsCache = new WeakMap<JsonObject, boolean>();

function hasDefaults(schema: JsonObject): boolean {
  let known = defaultsCache.get(schema);
  if (known === undefined) {
    known = JSON.stringify(schema).includes('"default"');
    defaultsCache.set(schema, known);
  }
  return known;
}
