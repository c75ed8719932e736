// TypeSchema: what patching needs to know about a value's type, for built-ins (generated from the
// Kubernetes OpenAPI definitions) and custom resources (from a CRD version's openAPIV3Schema).
//
// Two vocabularies meet here. Strategic merge patch reads `patchStrategies`/`patchMergeKey`
// (x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key). Server-side apply reads the
// structural topology: `listType` + `listMapKeys` (x-kubernetes-list-type / -list-map-keys) and
// `mapType` (x-kubernetes-map-type). Schemas are lazy so recursive definitions (JSONSchemaProps)
// cost nothing until walked.

import type { JsonValue } from './json.js';

export type PatchStrategy = 'merge' | 'replace' | 'retainKeys';
export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'granular' | 'atomic';
export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string';

interface SchemaCommon {
  /** SMP strategies declared on the field holding this value, e.g. `['merge', 'retainKeys']`. */
  readonly patchStrategies: readonly PatchStrategy[];
}

export interface ScalarSchema extends SchemaCommon {
  readonly kind: 'scalar';
  readonly type: ScalarType;
}

/** No type information (x-kubernetes-preserve-unknown-fields, RawExtension): maps granular, lists atomic. */
export interface UntypedSchema extends SchemaCommon {
  readonly kind: 'untyped';
}

/** A struct (declared fields), a map (additionalProperties), or both. */
export interface ObjectSchema extends SchemaCommon {
  readonly kind: 'object';
  /** `atomic`: the whole object is one value with one owner and is replaced, never merged. */
  readonly mapType: MapType;
  readonly fieldNames: readonly string[];
  /** The declared field's schema; undefined when `name` is not a declared field. */
  field(name: string): TypeSchema | undefined;
  /** Schema of keys that are not declared fields; undefined means such keys are untyped. */
  readonly additionalProperties: TypeSchema | undefined;
}

export interface ListSchema extends SchemaCommon {
  readonly kind: 'list';
  readonly items: TypeSchema;
  /** SSA topology: `atomic` (one value), `set` (unique scalars), `map` (items keyed by listMapKeys). */
  readonly listType: ListType;
  readonly listMapKeys: readonly string[];
  /** Values the server defaults for absent key fields (Kubernetes defaults port `protocol` to TCP). */
  readonly keyDefaults: Readonly<Record<string, JsonValue>>;
  /** SMP merge key, when the list's patch strategy is `merge` over objects. */
  readonly patchMergeKey: string | undefined;
}

export type TypeSchema = ScalarSchema | UntypedSchema | ObjectSchema | ListSchema;

function lazy<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}

export const UNTYPED: UntypedSchema = Object.freeze({ kind: 'untyped', patchStrategies: [] });

export function scalarSchema(type: ScalarType, patchStrategies: readonly PatchStrategy[] = []): ScalarSchema {
  return { kind: 'scalar', type, patchStrategies };
}

export interface ObjectSchemaInit {
  /** Declared fields, computed on first use. */
  readonly fields?: () => ReadonlyMap<string, TypeSchema>;
  readonly additionalProperties?: () => TypeSchema | undefined;
  readonly mapType?: MapType;
  readonly patchStrategies?: readonly PatchStrategy[];
}

export function objectSchema(init: ObjectSchemaInit): ObjectSchema {
  const fields = lazy(init.fields ?? (() => new Map<string, TypeSchema>()));
  const additional = lazy(init.additionalProperties ?? (() => undefined));
  return {
    kind: 'object',
    mapType: init.mapType ?? 'granular',
    patchStrategies: init.patchStrategies ?? [],
    get fieldNames() {
      return [...fields().keys()];
    },
    field: (name) => fields().get(name),
    get additionalProperties() {
      return additional();
    },
  };
}

export interface ListSchemaInit {
  readonly items: () => TypeSchema;
  readonly listType: ListType;
  readonly listMapKeys?: readonly string[];
  readonly keyDefaults?: Readonly<Record<string, JsonValue>>;
  readonly patchMergeKey?: string;
  readonly patchStrategies?: readonly PatchStrategy[];
}

export function listSchema(init: ListSchemaInit): ListSchema {
  const items = lazy(init.items);
  return {
    kind: 'list',
    listType: init.listType,
    listMapKeys: init.listMapKeys ?? [],
    keyDefaults: init.keyDefaults ?? {},
    patchMergeKey: init.patchMergeKey,
    patchStrategies: init.patchStrategies ?? [],
    get items() {
      return items();
    },
  };
}

/** The same type, held by a field that declares other SMP strategies (e.g. `retainKeys`). */
export function withPatchStrategies(
  schema: TypeSchema,
  patchStrategies: readonly PatchStrategy[],
): TypeSchema {
  if (schema.kind === 'untyped') return { kind: 'untyped', patchStrategies };
  const copy = Object.create(
    Object.getPrototypeOf(schema) as object,
    Object.getOwnPropertyDescriptors(schema),
  );
  return Object.defineProperty(copy, 'patchStrategies', {
    value: patchStrategies,
    enumerable: true,
  }) as TypeSchema;
}

export function parsePatchStrategies(text: string | undefined): PatchStrategy[] {
  if (!text) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part): part is PatchStrategy => part === 'merge' || part === 'replace' || part === 'retainKeys');
}

/** Schema of the value under `key` of an object typed `schema`; unknown keys are untyped. */
export function fieldSchema(schema: TypeSchema | undefined, key: string): TypeSchema {
  if (schema?.kind !== 'object') return UNTYPED;
  return schema.field(key) ?? schema.additionalProperties ?? UNTYPED;
}

/** Whether `key` is a declared struct field (as opposed to a map key) of `schema`. */
export function isDeclaredField(schema: TypeSchema | undefined, key: string): boolean {
  return schema?.kind === 'object' && schema.field(key) !== undefined;
}

export function itemSchema(schema: TypeSchema | undefined): TypeSchema {
  return schema?.kind === 'list' ? schema.items : UNTYPED;
}
