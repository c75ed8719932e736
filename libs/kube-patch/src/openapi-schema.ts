// TypeSchema from a CRD version's `schema.openAPIV3Schema` (structural schema). Custom resources
// follow the CRD rules: lists without x-kubernetes-list-type are atomic, objects are granular unless
// x-kubernetes-map-type: atomic, and x-kubernetes-preserve-unknown-fields subtrees are untyped.

import { objectMetaSchema } from './builtin-schemas.js';
import { PatchError } from './errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import {
  listSchema,
  objectSchema,
  parsePatchStrategies,
  scalarSchema,
  UNTYPED,
  type ListType,
  type MapType,
  type ObjectSchema,
  type PatchStrategy,
  type TypeSchema,
} from './schema.js';

export interface OpenAPISchemaOptions {
  /**
   * Treat the schema as a whole resource (default): `apiVersion`/`kind` are strings and `metadata`
   * is the full ObjectMeta, whatever the schema declares for them (CRDs may only constrain
   * metadata.name/generateName).
   */
  readonly resource?: boolean;
}

export function schemaFromOpenAPI(openAPIV3Schema: unknown, options: OpenAPISchemaOptions = {}): TypeSchema {
  if (!isJsonObject(openAPIV3Schema)) {
    throw new PatchError('INVALID_SCHEMA', 'openAPIV3Schema must be an object');
  }
  const schema = convert(openAPIV3Schema, '');
  if (options.resource === false || schema.kind !== 'object') return schema;
  return withResourceFields(schema);
}

function withResourceFields(schema: ObjectSchema): ObjectSchema {
  return objectSchema({
    fields: () => {
      const fields = new Map<string, TypeSchema>(
        schema.fieldNames.map((name) => [name, fieldOf(schema, name)]),
      );
      fields.set('apiVersion', scalarSchema('string'));
      fields.set('kind', scalarSchema('string'));
      fields.set('metadata', objectMetaSchema());
      return fields;
    },
    additionalProperties: () => schema.additionalProperties,
    mapType: schema.mapType,
    patchStrategies: schema.patchStrategies,
  });
}

function fieldOf(schema: ObjectSchema, name: string): TypeSchema {
  return schema.field(name) ?? UNTYPED;
}

function stringList(value: JsonValue | undefined, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new PatchError('INVALID_SCHEMA', `${where}: expected a list of strings`, where);
  }
  return value as string[];
}

function strategiesOf(node: JsonObject): PatchStrategy[] {
  const strategy = node['x-kubernetes-patch-strategy'];
  return parsePatchStrategies(typeof strategy === 'string' ? strategy : undefined);
}

function convert(node: JsonObject, path: string): TypeSchema {
  if (node['x-kubernetes-int-or-string'] === true) return scalarSchema('int-or-string');
  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;
  const patchStrategies = strategiesOf(node);
  switch (node.type) {
    case 'object':
      return convertObject(node, path, preserveUnknown);
    case 'array':
      return convertList(node, path);
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return scalarSchema(node.type, patchStrategies);
    default:
      // Untyped nodes only occur under x-kubernetes-preserve-unknown-fields in structural schemas.
      return node.properties === undefined ? UNTYPED : convertObject(node, path, preserveUnknown);
  }
}

function convertObject(node: JsonObject, path: string, preserveUnknown: boolean): TypeSchema {
  const properties = node.properties;
  if (properties !== undefined && !isJsonObject(properties)) {
    throw new PatchError('INVALID_SCHEMA', `${path || '<root>'}: properties must be an object`, path);
  }
  const additional = node.additionalProperties;
  if (preserveUnknown && properties === undefined && !isJsonObject(additional)) return UNTYPED;
  const mapType: MapType = node['x-kubernetes-map-type'] === 'atomic' ? 'atomic' : 'granular';
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  return objectSchema({
    fields: () => {
      const fields = new Map<string, TypeSchema>();
      for (const [name, child] of Object.entries(properties ?? {})) {
        if (!isJsonObject(child))
          throw new PatchError('INVALID_SCHEMA', `${path}.${name}: not a schema`, path);
        fields.set(name, convert(child, `${path}.${name}`));
      }
      if (embedded) {
        fields.set('apiVersion', scalarSchema('string'));
        fields.set('kind', scalarSchema('string'));
        fields.set('metadata', objectMetaSchema());
      }
      return fields;
    },
    additionalProperties: () => {
      if (isJsonObject(additional)) return convert(additional, `${path}.*`);
      return additional === true || preserveUnknown ? UNTYPED : undefined;
    },
    mapType,
    patchStrategies: strategiesOf(node),
  });
}

function convertList(node: JsonObject, path: string): TypeSchema {
  const items = node.items;
  const declared = node['x-kubernetes-list-type'];
  if (declared !== undefined && declared !== 'atomic' && declared !== 'set' && declared !== 'map') {
    throw new PatchError(
      'INVALID_SCHEMA',
      `${path}: unknown x-kubernetes-list-type ${String(declared)}`,
      path,
    );
  }
  const listType: ListType = declared ?? 'atomic';
  const listMapKeys = stringList(node['x-kubernetes-list-map-keys'], `${path}.x-kubernetes-list-map-keys`);
  if (listType === 'map' && listMapKeys.length === 0) {
    throw new PatchError('INVALID_SCHEMA', `${path}: list type map needs x-kubernetes-list-map-keys`, path);
  }
  const itemProperties = isJsonObject(items) && isJsonObject(items.properties) ? items.properties : {};
  const keyDefaults: Record<string, JsonValue> = {};
  for (const key of listMapKeys) {
    const property = itemProperties[key];
    if (isJsonObject(property) && property.default !== undefined) keyDefaults[key] = property.default;
  }
  const mergeKey = node['x-kubernetes-patch-merge-key'];
  return listSchema({
    items: () => (isJsonObject(items) ? convert(items, `${path}[]`) : UNTYPED),
    listType,
    listMapKeys,
    keyDefaults,
    patchMergeKey: typeof mergeKey === 'string' ? mergeKey : undefined,
    patchStrategies: strategiesOf(node),
  });
}
