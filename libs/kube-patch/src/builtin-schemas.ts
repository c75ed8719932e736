// Built-in kinds' schemas, decoded lazily from the generated compact definitions.
//
// Compact format (one JSON string per definition, see scripts/generate-schema.mjs):
//   definition  {"f": {<field>: type, …}, "mt"?: "atomic"}
//   type        "s" string | "i" integer | "n" number | "b" boolean | "x" int-or-string
//               | "*" untyped | "@<definition>"
//               | {"l": type, "lt": list type, "lk"?: [map keys], "ps"?: patch strategy,
//                  "mk"?: merge key, "kd"?: {key: default}}                       a list
//               | {"m": type, "mt"?: "atomic"}                                   a map
//               | {"r": "@<definition>", "ps": patch strategy}   a reference whose field declares SMP strategies

import { PatchError } from './errors.js';
import { BUILTIN_DEFINITIONS, BUILTIN_KINDS } from './generated/builtin-schemas.js';
import { isJsonObject, type JsonValue } from './json.js';
import {
  listSchema,
  objectSchema,
  parsePatchStrategies,
  scalarSchema,
  UNTYPED,
  withPatchStrategies,
  type ListType,
  type MapType,
  type ObjectSchema,
  type TypeSchema,
} from './schema.js';

type CompactType = string | CompactList | CompactMap | CompactRef;
interface CompactList {
  l: CompactType;
  lt: ListType;
  lk?: string[];
  ps?: string;
  mk?: string;
  kd?: Record<string, JsonValue>;
}
interface CompactMap {
  m: CompactType;
  mt?: MapType;
}
interface CompactRef {
  r: string;
  ps: string;
}
interface CompactDefinition {
  f: Record<string, CompactType>;
  mt?: MapType;
}

const SCALAR_CODES = {
  s: 'string',
  i: 'integer',
  n: 'number',
  b: 'boolean',
  x: 'int-or-string',
} as const;

const definitionCache = new Map<string, ObjectSchema>();

function decodeType(code: CompactType): TypeSchema {
  if (typeof code === 'string') {
    if (code === '*') return UNTYPED;
    if (code.startsWith('@')) return builtinDefinitionSchema(code.slice(1));
    const scalar = SCALAR_CODES[code as keyof typeof SCALAR_CODES];
    if (scalar) return scalarSchema(scalar);
  } else if ('l' in code) {
    return listSchema({
      items: () => decodeType(code.l),
      listType: code.lt,
      listMapKeys: code.lk ?? [],
      keyDefaults: code.kd ?? {},
      patchMergeKey: code.mk,
      patchStrategies: parsePatchStrategies(code.ps),
    });
  } else if ('m' in code) {
    return objectSchema({ additionalProperties: () => decodeType(code.m), mapType: code.mt ?? 'granular' });
  } else if ('r' in code) {
    return withPatchStrategies(decodeType(code.r), parsePatchStrategies(code.ps));
  }
  throw new PatchError('INVALID_SCHEMA', `unknown compact type ${JSON.stringify(code)}`);
}

/** A built-in definition by its short name, e.g. `core.v1.PodSpec` or `meta.v1.ObjectMeta`. */
export function builtinDefinitionSchema(definition: string): ObjectSchema {
  const cached = definitionCache.get(definition);
  if (cached) return cached;
  const text = BUILTIN_DEFINITIONS[definition];
  if (text === undefined) throw new PatchError('INVALID_SCHEMA', `no built-in definition ${definition}`);
  const compact = JSON.parse(text) as CompactDefinition;
  if (!isJsonObject(compact.f))
    throw new PatchError('INVALID_SCHEMA', `malformed built-in definition ${definition}`);
  const schema = objectSchema({
    fields: () => new Map(Object.entries(compact.f).map(([field, code]) => [field, decodeType(code)])),
    mapType: compact.mt ?? 'granular',
  });
  definitionCache.set(definition, schema);
  return schema;
}

/** The schema of a built-in kind, or undefined when `apiVersion`/`kind` is not a built-in. */
export function builtinSchemaFor(apiVersion: string, kind: string): ObjectSchema | undefined {
  const definition = BUILTIN_KINDS[`${apiVersion}/${kind}`];
  return definition === undefined ? undefined : builtinDefinitionSchema(definition);
}

/** `<apiVersion>/<kind>` of every built-in kind the schema data covers. */
export function builtinKinds(): string[] {
  return Object.keys(BUILTIN_KINDS);
}

/** ObjectMeta, which every object's `metadata` is (custom resources included). */
export function objectMetaSchema(): ObjectSchema {
  return builtinDefinitionSchema('meta.v1.ObjectMeta');
}
